using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Grains.Endpoints;

internal static partial class ContainerEndpointGrainLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Debug, Message = "{Name}: {HostId}/{ContainerId} reported (running {Running}, health {Health})")]
    public static partial void Reported(ILogger logger, string name, string hostId, string containerId, bool running, string health);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Debug, Message = "{Name}: {HostId}/{ContainerId} removed by its agent")]
    public static partial void Removed(ILogger logger, string name, string hostId, string containerId);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "{Name}: the lease of {HostId}/{ContainerId} expired; its agent stopped reporting it (no new connections; open ones stay)")]
    public static partial void LeaseExpired(ILogger logger, string name, string hostId, string containerId);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Information, Message = "{Name}: {HostId}/{ContainerId} gets no new connections: its host's silo {Silo} was declared dead (open ones stay)")]
    public static partial void ReporterDead(ILogger logger, string name, string hostId, string containerId, string silo);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Debug, Message = "{Name}: version {Version} sent to {Observers} observers")]
    public static partial void Notified(ILogger logger, string name, long version, int observers);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Debug, Message = "{Name}: an older report of {HostId}/{ContainerId} (sequence {Sequence}) arrived late and was ignored")]
    public static partial void OlderReportIgnored(ILogger logger, string name, string hostId, string containerId, long sequence);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Debug, Message = "{Name}: not every host reported to this activation in time; its snapshots are complete from now on")]
    public static partial void CompletenessDeadline(ILogger logger, string name);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Information, Message = "{Name}: the lease of host {HostId} {State}")]
    public static partial void HostLease(ILogger logger, string name, string hostId, string state);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Warning, Message = "{Name}: the host directory could not say which hosts to wait for ({Reason}); snapshots stay incomplete until the deadline")]
    public static partial void DirectoryUnavailable(ILogger logger, string name, string reason);
}
