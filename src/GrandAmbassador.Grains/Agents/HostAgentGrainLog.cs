using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Grains.Agents;

internal static partial class HostAgentGrainLog
{
    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "The lease of host {HostId} lapsed: its agent has not vouched for its endpoints for {Seconds:F0} s; {Names} names give them no new connections (open ones stay)")]
    public static partial void LeaseLapsed(ILogger logger, string hostId, double seconds, int names);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "The lease of host {HostId} is renewed after a lapse; its endpoints get new connections again")]
    public static partial void LeaseRenewed(ILogger logger, string hostId);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "The grain of {Name} could not be told that the lease of host {HostId} is {State}: {Reason}")]
    public static partial void LeaseNotDelivered(ILogger logger, string name, string hostId, string state, string reason);
}
