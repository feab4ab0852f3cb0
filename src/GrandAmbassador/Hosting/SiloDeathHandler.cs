using GrandAmbassador.Cluster;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Hosting;

/// <summary>
/// Replaces Orleans' fatal-error handler, which calls <see cref="Environment.FailFast(string)"/> and
/// would take every proxied connection down with the silo. Here a fatal silo error (above all "I have
/// been told I am dead") ends only this control-plane generation: the supervisor stops it and starts a
/// new silo, while the data plane keeps serving. Must not block: Orleans calls it on its own threads.
/// </summary>
internal sealed class SiloDeathHandler(ControlPlaneGeneration generation, ILogger<SiloDeathHandler> logger) : IFatalErrorHandler
{
    public bool IsUnexpected(Exception exception) => exception is not ThreadAbortException;

    public void OnFatalException(object? sender = null, string? context = null, Exception? exception = null)
    {
        var reason = context ?? exception?.Message ?? "unknown";
        HostingLog.SiloFatal(logger, generation.Number, reason.Split('\n')[0]);
        generation.SignalDeclaredDead(reason);
    }
}
