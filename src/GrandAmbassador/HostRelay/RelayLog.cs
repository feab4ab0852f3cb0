using System.Net;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.HostRelay;

/// <summary>Log messages of the host relay; event ids 1300-1399 are stable.</summary>
internal static partial class RelayLog
{
    [LoggerMessage(EventId = 1300, EventName = "RelayListening", Level = LogLevel.Information,
        Message = "Relay listening on {Address} ({Security}): other hosts' ambassadors reach this host's containers through it.")]
    public static partial void Listening(ILogger logger, EndPoint address, string security);

    [LoggerMessage(EventId = 1301, EventName = "RelayRefused", Level = LogLevel.Warning,
        Message = "Relay refused {Peer}: {Reason} (said once per peer and reason every {QuietMinutes} minutes).")]
    public static partial void Refused(ILogger logger, EndPoint? peer, string reason, int quietMinutes);

    [LoggerMessage(EventId = 1302, EventName = "RelayOpened", Level = LogLevel.Debug,
        Message = "Relay: {Peer} for {Name} (client {Client}) to container {Container} at {Address}.")]
    public static partial void Opened(ILogger logger, EndPoint? peer, string name, string? client, string container, IPEndPoint address);

    [LoggerMessage(EventId = 1303, EventName = "RelayConnectionFailed", Level = LogLevel.Warning,
        Message = "Relay: a connection from {Peer} failed.")]
    public static partial void ConnectionFailed(ILogger logger, EndPoint? peer, Exception exception);

    [LoggerMessage(EventId = 1304, EventName = "RelayDraining", Level = LogLevel.Information,
        Message = "Relay: stopped accepting; {Open} relayed connections go on for up to {Seconds} s.")]
    public static partial void Draining(ILogger logger, int open, double seconds);

    [LoggerMessage(EventId = 1305, EventName = "RelayAcceptFailed", Level = LogLevel.Warning,
        Message = "Relay: accept failed ({Error}); accepting again.")]
    public static partial void AcceptFailed(ILogger logger, string error);
}
