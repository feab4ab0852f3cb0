using System.Diagnostics;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.DataPlane;

namespace GrandAmbassador.Bench.Scale.Scenario;

/// <summary>What followers have applied to their proxies: the routes are the follower's last word, so each wait reads them.</summary>
internal static class FollowerProbe
{
    /// <summary>Whether the name's applied routes were built from <paramref name="expected"/> running endpoints (or more).</summary>
    public static bool RoutesAll(FrontedName name, int expected) =>
        name.Applied.Plan is { } plan && plan.Routed.Length >= expected;

    /// <summary>Waits until the name's applied routes include the run of the container that started at <paramref name="startedAt"/>.</summary>
    /// <returns>When that happened on <paramref name="clock"/>.</returns>
    public static async Task<TimeSpan> RoutedAsync(FrontedName name, string hostId, string containerId, DateTimeOffset startedAt, Stopwatch clock, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Taken before the routes are read: an apply in between completes it.
            var changed = name.AppliedChanged;
            if (name.Applied.Plan is { } plan && plan.Routed.Any(endpoint => IsRun(endpoint, hostId, containerId, startedAt)))
            {
                return clock.Elapsed;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Polls until <paramref name="done"/> holds, or gives up after <paramref name="limit"/>.</summary>
    /// <returns>Whether it held.</returns>
    public static async Task<bool> UntilAsync(Func<bool> done, TimeSpan limit, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            if (clock.Elapsed > limit)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private static bool IsRun(ContainerEndpoint endpoint, string hostId, string containerId, DateTimeOffset startedAt) =>
        endpoint.HostId == hostId && endpoint.ContainerId == containerId && endpoint.StartedAt == startedAt && endpoint.Running;
}
