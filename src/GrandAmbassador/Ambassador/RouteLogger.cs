using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.DataPlane;
using GrandAmbassador.Proxy.Routing;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Ambassador;

/// <summary>
/// Tells the operator what one apply changed for a name, and only what changed: a port re-pointed, held,
/// opened or closed, an endpoint that cannot be reached, ports over the cap. Keeps no memory of its own:
/// the change is read from the name's record of what was applied before and after.
/// </summary>
internal static class RouteLogger
{
    /// <param name="seen">What the reader of this log last saw applied: the change's before, or null when
    /// everything now applied is to be said again (a follower of a new generation).</param>
    /// <param name="first">The name's first routes: say that it waits when no container is ready.</param>
    public static void Log(ILogger logger, string name, AppliedChange change, AppliedRoutes? seen, bool first, TimeSpan wait)
    {
        ArgumentNullException.ThrowIfNull(change);
        var (plan, snapshot) = (change.After.Plan!, change.After.Snapshot!);
        if (first && !snapshot.Endpoints.Any(endpoint => endpoint.AcceptsTraffic))
        {
            // Held only where something listens: with no port known yet, nothing does.
            if (plan.Routes.Ports.IsEmpty)
            {
                AmbassadorLog.PortsNotKnown(logger, name);
            }
            else
            {
                AmbassadorLog.Waiting(logger, name, wait.TotalSeconds);
            }
        }

        var before = seen is { Plan: { } seenPlan, Snapshot: { } seenSnapshot }
            ? Destinations(seenPlan, seenSnapshot, change.FailedBefore)
            : [];
        var current = Destinations(plan, snapshot, change.Failed);
        foreach (var (port, destinations) in current)
        {
            if (before.TryGetValue(port, out var previous) && previous == destinations)
            {
                continue;
            }

            if (destinations.Length == 0)
            {
                AmbassadorLog.Holding(logger, name, port);
            }
            else
            {
                AmbassadorLog.Routing(logger, name, port, destinations);
            }
        }

        foreach (var port in before.Keys.Except(current.Keys))
        {
            AmbassadorLog.StoppedListening(logger, name, port);
        }

        var unreachableBefore = seen?.Plan?.Unreachable.Select(problem => problem.ToString()).ToHashSet() ?? [];
        foreach (var problem in plan.Unreachable.Where(problem => !unreachableBefore.Contains(problem.ToString())))
        {
            AmbassadorLog.Unreachable(logger, name, problem.ContainerName, problem.HostId, problem.Port, problem.Reason);
        }

        var leftOutBefore = seen?.Plan?.LeftOut.ToHashSet() ?? [];
        foreach (var left in plan.LeftOut.Where(left => !leftOutBefore.Contains(left)))
        {
            AmbassadorLog.PortsLeftOut(logger, name, left.ContainerName, left.HostId, left.Count, left.Cap);
        }
    }

    /// <summary>Each listening port's destinations, described; a port that could not be bound gets no line (it would read as serving) until it listens.</summary>
    private static Dictionary<string, string> Destinations(RoutePlan plan, EndpointSet snapshot, IEnumerable<Proxy.Engine.ListenFailure> failures)
    {
        var byRun = snapshot.Endpoints.ToDictionary(endpoint => endpoint.RunId);
        var notListening = failures.Select(failure => failure.Port).ToHashSet();
        return plan.Routes.Ports.Where(port => !notListening.Contains(port.Listen)).ToDictionary(
            port => port.Listen.ToString(),
            port => string.Join(", ", port.Destinations.Select(destination => Describe(destination, byRun))));
    }

    private static string Describe(Destination destination, Dictionary<string, ContainerEndpoint> byRun)
    {
        // A relay's address alone would read as the container's published port: said as status says it.
        var address = destination.Relay is { } relay
            ? PortReach.Relay(relay.HostId, destination.Addresses[0].ToString())
            : destination.Addresses[0].ToString();
        return byRun.TryGetValue(destination.BackendId, out var endpoint)
            ? $"{address} (container {endpoint.ContainerName} {endpoint.ShortId} on {endpoint.HostId}, started {endpoint.StartedAt:HH:mm:ss.fff})"
            : address;
    }
}
