using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Grains.Endpoints;

internal static partial class ContainerEndpointGrainLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Debug, Message = "{Name}: {HostId}/{ContainerId} reported (running {Running}, health {Health})")]
    public static partial void Reported(ILogger logger, string name, string hostId, string containerId, bool running, string health);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Debug, Message = "{Name}: {HostId}/{ContainerId} removed")]
    public static partial void Removed(ILogger logger, string name, string hostId, string containerId);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "{Name}: the lease of {HostId}/{ContainerId} expired; its agent stopped reporting it")]
    public static partial void LeaseExpired(ILogger logger, string name, string hostId, string containerId);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Information, Message = "{Name}: {HostId}/{ContainerId} removed: its host's silo {Silo} was declared dead")]
    public static partial void ReporterDead(ILogger logger, string name, string hostId, string containerId, string silo);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Debug, Message = "{Name}: version {Version} sent to {Observers} observers")]
    public static partial void Notified(ILogger logger, string name, long version, int observers);
}
