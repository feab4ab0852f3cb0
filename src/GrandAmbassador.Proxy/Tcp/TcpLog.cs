using System.Net;
using System.Net.Sockets;
using GrandAmbassador.Proxy.Routing;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Proxy.Tcp;

/// <summary>Log messages of the TCP relay; event ids 200-299 are stable.</summary>
internal static partial class TcpLog
{
    // No exception argument: running out of descriptors is a condition, not a bug, and logs no stack trace.
    [LoggerMessage(EventId = 203, EventName = "AcceptFailed", Level = LogLevel.Warning,
        Message = "Port {Port}: accept failed ({Error}: {Reason}); retrying. {Unlogged} more failure(s) since the last such line.")]
    public static partial void AcceptFailed(ILogger logger, ListenPort port, string error, string reason, int unlogged);

    [LoggerMessage(EventId = 204, EventName = "ConnectWaitExpired", Level = LogLevel.Warning,
        Message = "Port {Port}: no destination accepted the connection within {ConnectWaitSeconds} s; closing it.")]
    public static partial void ConnectWaitExpired(ILogger logger, ListenPort port, double connectWaitSeconds);

    [LoggerMessage(EventId = 205, EventName = "Relaying", Level = LogLevel.Debug,
        Message = "Port {Port}: relaying to backend {BackendId} at {Backend}.")]
    public static partial void Relaying(ILogger logger, ListenPort port, string backendId, EndPoint? backend);

    [LoggerMessage(EventId = 206, EventName = "Closed", Level = LogLevel.Debug,
        Message = "Port {Port}: connection closed after {Upstream} bytes up and {Downstream} bytes down.")]
    public static partial void Closed(ILogger logger, ListenPort port, long upstream, long downstream);

    [LoggerMessage(EventId = 207, EventName = "PeerReset", Level = LogLevel.Debug,
        Message = "Port {Port}: connection reset (upstream {UpstreamStatus} {UpstreamError}, downstream {DownstreamStatus} {DownstreamError}).")]
    public static partial void PeerReset(ILogger logger, ListenPort port, CopyStatus upstreamStatus, SocketError upstreamError, CopyStatus downstreamStatus, SocketError downstreamError);

    [LoggerMessage(EventId = 208, EventName = "RelayFailed", Level = LogLevel.Warning,
        Message = "Port {Port}: relay failed unexpectedly in the {Direction} direction; connection reset.")]
    public static partial void RelayFailed(ILogger logger, ListenPort port, string direction, Exception exception);

    [LoggerMessage(EventId = 209, EventName = "ConnectionFailed", Level = LogLevel.Error,
        Message = "Port {Port}: connection failed unexpectedly; connection reset.")]
    public static partial void ConnectionFailed(ILogger logger, ListenPort port, Exception exception);

    [LoggerMessage(EventId = 211, EventName = "AcceptLoopFailed", Level = LogLevel.Error,
        Message = "Port {Port}: accept loop failed unexpectedly; retrying.")]
    public static partial void AcceptLoopFailed(ILogger logger, ListenPort port, Exception exception);

    [LoggerMessage(EventId = 212, EventName = "TimedOut", Level = LogLevel.Information,
        Message = "Port {Port}: closed {Idle} idle connection(s) and {HalfClosed} half-closed one(s) that outlived their timeout.")]
    public static partial void TimedOut(ILogger logger, ListenPort port, int idle, int halfClosed);

    // Debug, as a refused connect is: the retry hid the failure from the client; the counter shows how often.
    [LoggerMessage(EventId = 213, EventName = "RetriedBeforeFirstByte", Level = LogLevel.Debug,
        Message = "Port {Port}: backend {BackendId} {Ending} a new connection {Elapsed} after its connect, before its first byte; replaying the client's {Bytes} byte(s) to backend {NextBackendId} at {Backend}.")]
    public static partial void RetriedBeforeFirstByte(ILogger logger, ListenPort port, string backendId, string ending, TimeSpan elapsed, int bytes, string nextBackendId, EndPoint? backend);
}
