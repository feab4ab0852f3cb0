using System.Net;
using System.Net.Sockets;
using GrandAmbassador.Proxy.Routing;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Proxy.Udp;

/// <summary>Log messages of the UDP relay; event ids 300-399 are stable.</summary>
internal static partial class UdpLog
{
    [LoggerMessage(EventId = 303, EventName = "ConnectWaitExpired", Level = LogLevel.Warning,
        Message = "Port {Port}: no destination within {ConnectWaitSeconds} s; dropping the session and its {Dropped} held datagram(s).")]
    public static partial void ConnectWaitExpired(ILogger logger, ListenPort port, double connectWaitSeconds, int dropped);

    [LoggerMessage(EventId = 304, EventName = "SessionStarted", Level = LogLevel.Debug,
        Message = "Port {Port}: new session relaying to backend {BackendId} at {Backend}.")]
    public static partial void SessionStarted(ILogger logger, ListenPort port, string backendId, EndPoint? backend);

    [LoggerMessage(EventId = 305, EventName = "SessionSendFailed", Level = LogLevel.Debug,
        Message = "Port {Port}: sending to the backend failed ({Error}); closing the session.")]
    public static partial void SessionSendFailed(ILogger logger, ListenPort port, SocketError error);

    [LoggerMessage(EventId = 306, EventName = "SessionReceiveFailed", Level = LogLevel.Debug,
        Message = "Port {Port}: receiving from the backend failed ({Error}); closing the session.")]
    public static partial void SessionReceiveFailed(ILogger logger, ListenPort port, SocketError error);

    [LoggerMessage(EventId = 307, EventName = "SessionFailed", Level = LogLevel.Error,
        Message = "Port {Port}: session failed unexpectedly; closing it.")]
    public static partial void SessionFailed(ILogger logger, ListenPort port, Exception exception);

    [LoggerMessage(EventId = 308, EventName = "ReceiveFailed", Level = LogLevel.Debug,
        Message = "Port {Port}: receive failed ({Error}); continuing.")]
    public static partial void ReceiveFailed(ILogger logger, ListenPort port, SocketError error);

    [LoggerMessage(EventId = 309, EventName = "ReceiveLoopFailed", Level = LogLevel.Error,
        Message = "Port {Port}: receive loop failed unexpectedly; continuing.")]
    public static partial void ReceiveLoopFailed(ILogger logger, ListenPort port, Exception exception);

    [LoggerMessage(EventId = 311, EventName = "RelayedSessionEnded", Level = LogLevel.Debug,
        Message = "Port {Port}: the relay of host {HostId} ended a session ({Ending}); the client's next datagram starts a new one.")]
    public static partial void RelayedSessionEnded(ILogger logger, ListenPort port, string hostId, string ending);

    [LoggerMessage(EventId = 312, EventName = "LoopRefused", Level = LogLevel.Warning,
        Message = "Port {Port}: the event loop refused the socket ({Error}); receiving with .NET's sockets instead.")]
    public static partial void LoopRefused(ILogger logger, ListenPort port, SocketError error);

    [LoggerMessage(EventId = 310, EventName = "SessionLimitReached", Level = LogLevel.Warning,
        Message = "Port {Port}: {MaxSessions} sessions open; each new client now closes the session used least recently.")]
    public static partial void SessionLimitReached(ILogger logger, ListenPort port, int maxSessions);
}
