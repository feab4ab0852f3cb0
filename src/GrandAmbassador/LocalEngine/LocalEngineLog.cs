using Microsoft.Extensions.Logging;

namespace GrandAmbassador.LocalEngine;

internal static partial class LocalEngineLog
{
    [LoggerMessage(EventId = 3201, Level = LogLevel.Debug, Message = "Cannot read the local Docker engine before the silo starts ({Reason}); names wait for the cluster")]
    public static partial void Unavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Debug, Message = "{Name}: routes from the local engine not applied ({Reason}); its follower applies the cluster's")]
    public static partial void SeedFailed(ILogger logger, string name, string reason);
}
