using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Proxy.Limits;

/// <summary>Log messages of the process-wide limits; event ids 500-599 are stable. Each is logged once per episode.</summary>
internal static partial class LimitsLog
{
    [LoggerMessage(EventId = 501, EventName = "ConnectionLimitReached", Level = LogLevel.Warning,
        Message = "{Max} connections open (--max-connections): no longer accepting; new clients wait in the kernel's backlog until one closes.")]
    public static partial void ConnectionLimitReached(ILogger logger, int max);

    [LoggerMessage(EventId = 502, EventName = "ConnectionLimitLeft", Level = LogLevel.Information,
        Message = "Below {Max} connections again: accepting.")]
    public static partial void ConnectionLimitLeft(ILogger logger, int max);

    [LoggerMessage(EventId = 503, EventName = "HeldBoundReached", Level = LogLevel.Warning,
        Message = "Held {What} waiting for a destination reached their bound ({Bound}): evicting the oldest.")]
    public static partial void HeldBoundReached(ILogger logger, string what, string bound);

    [LoggerMessage(EventId = 504, EventName = "HeldBoundLeft", Level = LogLevel.Information,
        Message = "Held {What} back under their bound: no longer evicting.")]
    public static partial void HeldBoundLeft(ILogger logger, string what);
}
