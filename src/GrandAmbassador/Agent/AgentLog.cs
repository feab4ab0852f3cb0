using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Agent;

internal static partial class AgentLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Reporting to the grain of {Name} failed; the next reconcile will report again")]
    public static partial void ReportFailed(ILogger logger, Exception exception, string name);
}
