using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Cluster;

internal static partial class ClusterLog
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Cluster member {Silo} is now {Status}")]
    public static partial void MemberChanged(ILogger logger, string silo, string status);
}
