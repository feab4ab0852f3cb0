using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Hosting;

internal static partial class HostingLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Information,
        Message = "Host {HostId} ({Mode}): silo port {SiloPort}, gateway port {GatewayPort}; Docker engine: {Docker}; fronting: {Names}")]
    public static partial void Started(ILogger logger, string hostId, string mode, int siloPort, int gatewayPort, string docker, string names);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning,
        Message = "Silo (generation {Generation}) stopping on a fatal error: {Reason}; the proxies keep serving")]
    public static partial void SiloFatal(ILogger logger, int generation, string reason);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning,
        Message = "Silo {Silo} was declared dead: stopping it and starting a new one; listeners, open connections and routes stay")]
    public static partial void Restarting(ILogger logger, string silo);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Information,
        Message = "Rejoined the cluster: silo {OldSilo} replaced by {NewSilo} (generation {Generation})")]
    public static partial void Rejoined(ILogger logger, string oldSilo, string newSilo, int generation);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Warning,
        Message = "Cannot start the silo ({Where}): {Reason}; retrying in {DelaySeconds:0.#} s (the proxies serve meanwhile)")]
    public static partial void StartFailed(ILogger logger, string where, string reason, double delaySeconds);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Debug, Message = "Stopping the control plane did not finish cleanly: {Reason}")]
    public static partial void StopFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 7007, Level = LogLevel.Critical,
        Message = "A background service failed and stopped the control plane; exiting with code 1 so that a supervisor restarts the process")]
    public static partial void ControlPlaneFaulted(ILogger logger);

    [LoggerMessage(EventId = 7008, EventName = "Advertising", Level = LogLevel.Information,
        Message = "Other hosts reach this one at {Address} ({How}); --advertise sets it.")]
    public static partial void Advertising(ILogger logger, string address, string how);
}
