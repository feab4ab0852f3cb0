using GrandAmbassador.Contracts.Endpoints;
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

    public void Log(RoutePlan plan, EndpointSet snapshot, bool first, TimeSpan wait)
    {
        var byRun = snapshot.Endpoints.ToDictionary(endpoint => endpoint.RunId);
        if (first && !snapshot.Endpoints.Any(endpoint => endpoint.AcceptsTraffic))
        {
            AmbassadorLog.Waiting(logger, name, wait.TotalSeconds);
        }

        var current = plan.Routes.Ports.ToDictionary(
            port => port.Listen.ToString(),
            port => string.Join(", ", port.Destinations.Select(destination => Describe(destination, byRun))));
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

    private static string Describe(Proxy.Routing.Destination destination, Dictionary<string, ContainerEndpoint> byRun) =>
        byRun.TryGetValue(destination.BackendId, out var endpoint)
            ? $"{destination.Addresses[0]} (container {endpoint.ContainerName} {endpoint.ShortId} on {endpoint.HostId}, started {endpoint.StartedAt:HH:mm:ss.fff})"
            : destination.Addresses[0].ToString();
}
