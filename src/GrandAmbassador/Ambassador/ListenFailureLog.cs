using GrandAmbassador.Proxy.Engine;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Ambassador;

/// <summary>
/// A port a name cannot bind: said once, as what it means (the name is not serving on it), when it
/// starts failing, and once when it listens again; the retries in between only at Debug.
/// </summary>
internal static class ListenFailureLog
{
    public static void Log(ILogger logger, string name, IReadOnlyList<ListenFailure> before, IReadOnlyList<ListenFailure> now, TimeSpan? retry)
    {
        var failed = before.Select(failure => failure.Port).ToHashSet();
        var failing = now.Select(failure => failure.Port).ToHashSet();
        foreach (var failure in now)
        {
            if (failed.Contains(failure.Port))
            {
                AmbassadorLog.ListenFailedAgain(logger, name, failure.Port.ToString(), failure.Reason);
            }
            else
            {
                AmbassadorLog.NotServing(logger, name, failure.Port.ToString(), failure.Reason, retry?.TotalSeconds ?? 5);
            }
        }

        foreach (var port in failed.Where(port => !failing.Contains(port)))
        {
            AmbassadorLog.PortFreed(logger, name, port.ToString());
        }
    }
}
