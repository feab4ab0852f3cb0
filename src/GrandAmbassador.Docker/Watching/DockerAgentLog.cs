using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Docker.Watching;

/// <summary>The agent's log lines. Event ids are stable: dashboards and alerts may key on them.</summary>
internal static partial class DockerAgentLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information,
        Message = "Watching Docker engine {ServerVersion} at {Endpoint} as host {HostId} (advertising {AdvertiseAddress})")]
    public static partial void Connected(ILogger logger, string serverVersion, Uri endpoint, string hostId, string? advertiseAddress);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning,
        Message = "Docker engine at {Endpoint} unavailable: {Reason}; retrying in {DelaySeconds} s")]
    public static partial void EngineUnavailable(ILogger logger, Uri endpoint, string reason, double delaySeconds);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Debug, Message = "Listed {Count} containers, inspected {Inspected} (new, changed or named by events; all in a full sweep)")]
    public static partial void Reconciled(ILogger logger, int count, int inspected);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Debug,
        Message = "Container {Name} ({ContainerId}): running {Running}, health {Health}, stopping {Stopping}")]
    public static partial void ContainerReported(ILogger logger, string name, string containerId, bool running, Contracts.Endpoints.ContainerHealth health, bool stopping);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Debug, Message = "Container {ContainerId} is gone")]
    public static partial void ContainerRemoved(ILogger logger, string containerId);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning,
        Message = "The endpoint sink failed in {Operation}; the next reconcile reports everything again")]
    public static partial void SinkFailed(ILogger logger, string operation, Exception exception);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning,
        Message = "Docker events arrive faster than they are handled; re-listing every container instead")]
    public static partial void EventQueueFull(ILogger logger);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Debug, Message = "Docker agent failure detail")]
    public static partial void FailureDetail(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Warning,
        Message = "Docker engine unreachable: the {Count} containers it last reported stay routable, flagged stale, for up to {LifetimeSeconds} s")]
    public static partial void KeepingStale(ILogger logger, int count, double lifetimeSeconds);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning,
        Message = "Docker engine unreachable for {LifetimeSeconds} s: no longer renewing the {Count} containers it last reported; they get no new connections once their lease ends (open ones stay)")]
    public static partial void StaleDropped(ILogger logger, int count, double lifetimeSeconds);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Information,
        Message = "Talking Docker API {ApiVersion} to {Engine} (its minimum: {MinApiVersion})")]
    public static partial void Negotiated(ILogger logger, string engine, string apiVersion, string minApiVersion);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning,
        Message = "{Engine}: the engine sends no event when a stop begins, so a container being stopped is marked stopping at the next re-list (within {IntervalSeconds} s), not at once; its kill events carry no signal and mark nothing")]
    public static partial void PodmanStopNotAnnounced(ILogger logger, string engine, double intervalSeconds);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Debug, Message = "Full sweep ({Reason}): inspecting all {Count} listed containers")]
    public static partial void FullSweep(ILogger logger, int count, string reason);
}
