using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Hosting;

internal static partial class HostingLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Information,
        Message = "Host {HostId} ({Mode}): silo port {SiloPort}, gateway port {GatewayPort}; Docker engine: {Docker}; fronting: {Names}")]
    public static partial void Started(ILogger logger, string hostId, string mode, int siloPort, int gatewayPort, string docker, string names);
}
