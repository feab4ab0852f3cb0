using System.Collections.Immutable;
using GrandAmbassador.Configuration;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Proxy.Engine;
using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.DataPlane;

/// <summary>
/// How a name's applied plan reaches each port of each container, read off the destinations the proxy dials (not
/// worked out again from the snapshot: what is shown is what is dialled), with each relay's last failure from
/// <see cref="RelayHealth"/>, and the containers the plan could not route with the reason.
/// </summary>
internal static class AppliedReach
{
    /// <param name="hostId">This ambassador's host: its containers are reached locally, every other host's across.</param>
    public static ImmutableArray<PortReach> Of(RoutePlan? plan, string hostId, RelayHealth relays)
    {
        if (plan is null)
        {
            return [];
        }

        var byRun = new Dictionary<string, ContainerEndpoint>(StringComparer.Ordinal);
        foreach (var endpoint in plan.Routed)
        {
            byRun.TryAdd(endpoint.RunId, endpoint);
        }

        // A route is keyed by the port it listens on; the container's port it dials is the plan's target for it.
        var targets = new Dictionary<ListenPort, PlannedPort>();
        foreach (var planned in plan.Listening)
        {
            targets.TryAdd(new ListenPort(planned.Listen, planned.Protocol.ToTransport()), planned);
        }

        var reached = new List<PortReach>();
        foreach (var route in plan.Routes.Ports)
        {
            if (!targets.TryGetValue(route.Listen, out var target))
            {
                continue;
            }

            var port = $"{target.Target}/{target.Protocol.ToString().ToLowerInvariant()}";
            foreach (var destination in route.Destinations)
            {
                if (byRun.TryGetValue(destination.BackendId, out var endpoint) && !destination.Addresses.IsDefaultOrEmpty)
                {
                    reached.Add(Reach(endpoint, port, destination, hostId, relays));
                }
            }
        }

        foreach (var problem in plan.Unreachable)
        {
            var container = plan.Routed.FirstOrDefault(endpoint => endpoint.HostId == problem.HostId && endpoint.ContainerName == problem.ContainerName);
            reached.Add(new PortReach(problem.HostId, container?.ContainerId ?? problem.ContainerName, problem.Port, ReachKind.None, null, problem.Reason));
        }

        return [.. reached.Distinct().OrderBy(reach => reach.HostId, StringComparer.Ordinal).ThenBy(reach => reach.ContainerId, StringComparer.Ordinal).ThenBy(reach => reach.Port, StringComparer.Ordinal)];
    }

    private static PortReach Reach(ContainerEndpoint endpoint, string port, Destination destination, string hostId, RelayHealth relays)
    {
        // The first address is the one dialled while it answers; the others are fallbacks.
        var address = destination.Addresses[0];
        if (destination.Relay is not null)
        {
            var failure = relays.Failure(address);
            return new PortReach(endpoint.HostId, endpoint.ContainerId, port, ReachKind.Relay, address.ToString(), failure?.Reason, failure?.Since);
        }

        var kind = endpoint.HostId == hostId ? ReachKind.Local : ReachKind.Published;
        return new PortReach(endpoint.HostId, endpoint.ContainerId, port, kind, address.ToString());
    }
}
