using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Fronting;

internal static partial class FrontingLog
{
    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Registering the fronted names with the cluster failed: {Reason}; retrying in {Seconds} s")]
    public static partial void RegisterFailed(ILogger logger, string reason, double seconds);
}
