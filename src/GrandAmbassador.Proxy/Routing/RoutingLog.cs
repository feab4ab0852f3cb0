using System.Net;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Proxy.Routing;

/// <summary>Log messages of the routing folder; event ids 400-499 are stable.</summary>
internal static partial class RoutingLog
{
    // Debug: a failed attempt is routine while a container restarts; the caller logs if the wait runs out.
    [LoggerMessage(EventId = 401, EventName = "ConnectFailed", Level = LogLevel.Debug,
        Message = "Port {Port}: connect to {Address} failed ({Error}); trying the next address.")]
    public static partial void ConnectFailed(ILogger logger, ListenPort port, IPEndPoint address, string error);

    // Debug, as a refused connect: every held connection retries each second. The relay logs its refusals once per
    // peer and reason, and status shows why a host's relay cannot be reached.
    [LoggerMessage(EventId = 402, EventName = "RelayRefused", Level = LogLevel.Debug,
        Message = "Port {Port}: through the relay at {Relay}: {Refusal}; trying the next address.")]
    public static partial void RelayRefused(ILogger logger, ListenPort port, IPEndPoint relay, string refusal);
}
