using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Ambassador;

internal static partial class AmbassadorLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "{Name}: waiting for a container named {Name} to run; new connections are held for up to {WaitSeconds} s")]
    public static partial void Waiting(ILogger logger, string name, double waitSeconds);

    [LoggerMessage(EventId = 3016, Level = LogLevel.Information, Message = "{Name}: no container named {Name} has been seen yet, so its ports are not known: connections are refused until it appears (or give --port to hold them)")]
    public static partial void PortsNotKnown(ILogger logger, string name);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "{Name}: {Port} -> {Destinations}")]
    public static partial void Routing(ILogger logger, string name, string port, string destinations);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "{Name}: {Port} has no container ready (none running, or none healthy); holding new connections")]
    public static partial void Holding(ILogger logger, string name, string port);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "{Name}: NOT serving {Port}: the port is taken ({Reason}); its clients are refused until it frees (tried again every {RetrySeconds} s)")]
    public static partial void NotServing(ILogger logger, string name, string port, string reason, double retrySeconds);

    [LoggerMessage(EventId = 3017, Level = LogLevel.Debug, Message = "{Name}: {Port} is still taken ({Reason})")]
    public static partial void ListenFailedAgain(ILogger logger, string name, string port, string reason);

    [LoggerMessage(EventId = 3018, Level = LogLevel.Information, Message = "{Name}: {Port} is free again: listening")]
    public static partial void PortFreed(ILogger logger, string name, string port);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "{Name}: container {Container} on host {HostId} is unreachable for {Port}: {Reason}")]
    public static partial void Unreachable(ILogger logger, string name, string container, string hostId, string port, string reason);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "{Name}: subscribing to its endpoints failed; retrying soon (its routes stay as they are meanwhile)")]
    public static partial void SubscribeFailed(ILogger logger, Exception exception, string name);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Warning, Message = "{Name}: its grain did not answer a subscribe within {TimeoutSeconds} s (it may have been on a silo that just died); subscribing again")]
    public static partial void SubscribeTimedOut(ILogger logger, string name, double timeoutSeconds);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Information, Message = "{Name}: stopped listening on {Port}")]
    public static partial void StoppedListening(ILogger logger, string name, string port);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Error, Message = "{Name}: applying routes failed; retrying")]
    public static partial void ApplyFailed(ILogger logger, Exception exception, string name);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Debug, Message = "{Name}: applying the same routes failed again: {Reason}")]
    public static partial void ApplyFailedAgain(ILogger logger, string name, string reason);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Information, Message = "{Name}: keeping its current routes until the cluster reports its containers (at most {HoldSeconds} s)")]
    public static partial void HoldingRoutes(ILogger logger, string name, double holdSeconds);

    [LoggerMessage(EventId = 3015, Level = LogLevel.Debug, Message = "{Name}: keeping the routes learnt from the local engine until the cluster reports its containers (at most {HoldSeconds} s)")]
    public static partial void HoldingLocalRoutes(ILogger logger, string name, double holdSeconds);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Warning, Message = "{Name}: {Count} of the ports container {Container} on host {HostId} exposes get no listener: a name listens on at most {Cap} exposed ports, TCP first, then UDP, each lowest first (raise --max-exposed-ports, or choose ports with --port)")]
    public static partial void PortsLeftOut(ILogger logger, string name, string container, string hostId, int count, int cap);

    [LoggerMessage(EventId = 3015, Level = LogLevel.Debug, Message = "{Name}: could not tell the grain which routes were applied ({Reason}); the next apply tells it again")]
    public static partial void AppliedNotTold(ILogger logger, string name, string reason);

    [LoggerMessage(EventId = 3019, EventName = "BadAllowLabel", Level = LogLevel.Warning,
        Message = "{Name}: a container's label grand-ambassador.allow={Label} has '{Network}', not a network in CIDR form (e.g. 10.0.0.0/8 or fd00::/64); left out of the allow-list.")]
    public static partial void BadAllowLabel(ILogger logger, string name, string label, string network);
}
