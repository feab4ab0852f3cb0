using System.Net;
using System.Net.Sockets;
using GrandAmbassador.Proxy.Routing;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Proxy.Engine;

/// <summary>Log messages of <see cref="ServiceProxy"/> and the port listeners; event ids 100-199 are stable.</summary>
internal static partial class EngineLog
{
    [LoggerMessage(EventId = 101, EventName = "Applied", Level = LogLevel.Debug,
        Message = "Service {ServiceName}: routes applied; {Listening} port(s) listening, {Failed} failed to bind.")]
    public static partial void Applied(ILogger logger, string serviceName, int listening, int failed);

    // Debug: the failure is returned to the caller, which decides whether it is fatal and logs it.
    [LoggerMessage(EventId = 102, EventName = "ListenFailed", Level = LogLevel.Debug,
        Message = "Service {ServiceName}: port {Port} could not be bound ({Error}).")]
    public static partial void ListenFailed(ILogger logger, string serviceName, ListenPort port, SocketError error);

    [LoggerMessage(EventId = 103, EventName = "Listening", Level = LogLevel.Information,
        Message = "Port {Port}: listening on {EndPoint}.")]
    public static partial void Listening(ILogger logger, ListenPort port, EndPoint? endPoint);

    [LoggerMessage(EventId = 104, EventName = "StoppedListening", Level = LogLevel.Information,
        Message = "Port {Port}: stopped listening.")]
    public static partial void StoppedListening(ILogger logger, ListenPort port);

    [LoggerMessage(EventId = 105, EventName = "ClosingNotRetained", Level = LogLevel.Information,
        Message = "Port {Port}: closing {Count} connection(s) or session(s) to backends no longer retained.")]
    public static partial void ClosingNotRetained(ILogger logger, ListenPort port, int count);

    [LoggerMessage(EventId = 106, EventName = "SweepFailed", Level = LogLevel.Error,
        Message = "Port {Port}: periodic sweep of open flows failed unexpectedly.")]
    public static partial void SweepFailed(ILogger logger, ListenPort port, Exception exception);

    [LoggerMessage(EventId = 107, EventName = "Drained", Level = LogLevel.Information,
        Message = "Service {ServiceName}: drained; {Finished} connection(s) finished on their own, {Closed} closed at the end of the drain.")]
    public static partial void Drained(ILogger logger, string serviceName, int finished, int closed);

    [LoggerMessage(EventId = 108, EventName = "Draining", Level = LogLevel.Information,
        Message = "Port {Port}: no longer accepting; waiting up to {TimeoutSeconds} s for {Open} open connection(s).")]
    public static partial void Draining(ILogger logger, ListenPort port, double timeoutSeconds, int open);
}
