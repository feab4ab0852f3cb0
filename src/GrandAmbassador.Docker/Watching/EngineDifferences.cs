using GrandAmbassador.Docker.Connection;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Docker.Watching;

/// <summary>
/// Says, in one line at connect, what this engine cannot do that the agent relies on elsewhere,
/// and what the agent does instead (docs/engines.md lists every difference found).
/// </summary>
internal static class EngineDifferences
{
    public static void Report(EngineVersion engine, TimeSpan reconcileInterval, ILogger logger)
    {
        if (engine.IsPodman)
        {
            DockerAgentLog.PodmanStopNotAnnounced(logger, engine.ToString(), reconcileInterval.TotalSeconds);
        }
    }
}
