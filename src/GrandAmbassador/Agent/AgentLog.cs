using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Agent;

internal static partial class AgentLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Reporting to the grain of {Name} failed; the next reconcile will report again")]
    public static partial void ReportFailed(ILogger logger, Exception exception, string name);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Registering the agent of host {HostId} for drains failed ({Reason}); retrying in 10 s")]
    public static partial void AgentRegistrationFailed(ILogger logger, string hostId, string reason);
}
