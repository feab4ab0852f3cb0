using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Proxy.EventLoops;

/// <summary>Log messages of the event-loop data path; event ids 280-289 (of the TCP relay's 200-299) are stable.</summary>
internal static partial class LoopLog
{
    [LoggerMessage(EventId = 280, EventName = "EventLoopsStarted", Level = LogLevel.Information,
        Message = "TCP connections are relayed by {Count} event loop(s) (edge-triggered epoll).")]
    public static partial void Started(ILogger logger, int count);

    [LoggerMessage(EventId = 281, EventName = "EventLoopUnavailable", Level = LogLevel.Warning,
        Message = "The event-loop data path is not available here ({Reason}); TCP connections are relayed by .NET sockets.")]
    public static partial void Unavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 282, EventName = "EventLoopHandlerFailed", Level = LogLevel.Error,
        Message = "An event loop's handler failed; the loop goes on.")]
    public static partial void HandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 283, EventName = "EventLoopWaitFailed", Level = LogLevel.Error,
        Message = "An event loop's epoll_wait failed with errno {Errno}; it tries again every 10 ms.")]
    public static partial void WaitFailed(ILogger logger, int errno);
}
