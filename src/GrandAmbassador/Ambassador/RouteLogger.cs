using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Proxy.Routing;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Ambassador;

/// <summary>
/// Tells the operator what changed for one name, and only what changed: a port re-pointed, held,
/// opened or closed, an endpoint that cannot be reached, ports over the cap.
/// </summary>
internal sealed class RouteLogger(string name, ILogger logger)
{
    private Dictionary<string, string> _lastDestinations = [];
    private HashSet<string> _lastUnreachable = [];
    private HashSet<PortsLeftOut> _lastLeftOut = [];

    /// <param name="notListening">Ports that could not be bound: no route line for them (it would read as
    /// serving); theirs comes once they listen.</param>
    public void Log(RoutePlan plan, EndpointSet snapshot, bool first, TimeSpan wait, IReadOnlySet<ListenPort>? notListening = null)
    {
        var byRun = snapshot.Endpoints.ToDictionary(endpoint => endpoint.RunId);
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

        var current = Destinations(plan, byRun, notListening);
        foreach (var (port, destinations) in current)
        {
            if (_lastDestinations.TryGetValue(port, out var previous) && previous == destinations)
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

        foreach (var port in _lastDestinations.Keys.Except(current.Keys))
        {
            AmbassadorLog.StoppedListening(logger, name, port);
        }

        var unreachable = plan.Unreachable.Select(u => u.ToString()).ToHashSet();
        foreach (var problem in plan.Unreachable.Where(u => !_lastUnreachable.Contains(u.ToString())))
        {
            AmbassadorLog.Unreachable(logger, name, problem.ContainerName, problem.HostId, problem.Port, problem.Reason);
        }

        foreach (var left in plan.LeftOut.Where(left => !_lastLeftOut.Contains(left)))
        {
            AmbassadorLog.PortsLeftOut(logger, name, left.ContainerName, left.HostId, left.Count, left.Cap);
        }

        _lastDestinations = current;
        _lastUnreachable = unreachable;
        _lastLeftOut = [.. plan.LeftOut];
    }

    /// <summary>
    /// Picks up where another logger of the same name left off (the local engine's seed): only what
    /// changes after <paramref name="plan"/> is logged, not the same routes a second time.
    /// </summary>
    public void Continue(RoutePlan plan, EndpointSet snapshot)
    {
        _lastDestinations = Destinations(plan, snapshot.Endpoints.ToDictionary(endpoint => endpoint.RunId), notListening: null);
        _lastUnreachable = plan.Unreachable.Select(u => u.ToString()).ToHashSet();
        _lastLeftOut = [.. plan.LeftOut];
    }

    private static Dictionary<string, string> Destinations(RoutePlan plan, Dictionary<string, ContainerEndpoint> byRun, IReadOnlySet<ListenPort>? notListening) =>
        plan.Routes.Ports.Where(port => notListening is null || !notListening.Contains(port.Listen)).ToDictionary(
            port => port.Listen.ToString(),
            port => string.Join(", ", port.Destinations.Select(destination => Describe(destination, byRun))));

    private static string Describe(Proxy.Routing.Destination destination, Dictionary<string, ContainerEndpoint> byRun) =>
        byRun.TryGetValue(destination.BackendId, out var endpoint)
            ? $"{destination.Addresses[0]} (container {endpoint.ContainerName} {endpoint.ShortId} on {endpoint.HostId}, started {endpoint.StartedAt:HH:mm:ss.fff})"
            : destination.Addresses[0].ToString();
}
