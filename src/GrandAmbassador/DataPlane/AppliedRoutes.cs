using System.Collections.Immutable;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.DataPlane;

/// <summary>
/// The last snapshot a name's proxy was re-pointed from (null before the first) and the ports it
/// listens on because of it: the routes a new control-plane generation holds until it has a real snapshot.
/// </summary>
internal sealed record AppliedRoutes(EndpointSet? Snapshot, ImmutableArray<ListenPort> Ports)
{
    public static AppliedRoutes None { get; } = new(null, []);
}
