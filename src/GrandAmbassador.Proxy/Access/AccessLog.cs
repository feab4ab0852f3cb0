using GrandAmbassador.Proxy.Routing;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Proxy.Access;

/// <summary>Log messages of access control; event ids 600-699 are stable.</summary>
internal static partial class AccessLog
{
    [LoggerMessage(EventId = 601, EventName = "Refused", Level = LogLevel.Warning,
        Message = "{Name} port {Port}: refused client {Client} ({Reason}); closed at once. Logged once a minute per client: {Unlogged} more refusal(s) of it since its last line, and {Untracked} of clients not logged at all (more than 1,024 refused sources within a minute).")]
    public static partial void Refused(ILogger logger, string name, ListenPort port, string client, string reason, int unlogged, int untracked);

    [LoggerMessage(EventId = 602, EventName = "PolicyChanged", Level = LogLevel.Information,
        Message = "{Name}: access is now {Policy}.")]
    public static partial void PolicyChanged(ILogger logger, string name, AccessPolicy policy);

    [LoggerMessage(EventId = 603, EventName = "ClientTableFull", Level = LogLevel.Warning,
        Message = "{Name}: {Max} client addresses have connections open at once; new addresses are refused until one has none.")]
    public static partial void ClientTableFull(ILogger logger, string name, int max);
}
