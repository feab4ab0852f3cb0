using System.Collections.Immutable;
using GrandAmbassador.Ambassador;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.DataPlane;

/// <summary>
/// The last snapshot a name's proxy was re-pointed from and the plan built from it (both null before the
/// first): the routes a new control-plane generation holds until it has a real snapshot, and the endpoints
/// whose open connections it must carry on (only evidence closes a connection, a new silo is none).
/// </summary>
internal sealed record AppliedRoutes(EndpointSet? Snapshot, RoutePlan? Plan)
{
    public static AppliedRoutes None { get; } = new(null, null);

    /// <summary>Whether the local engine's seed applied it, before any follower (see <see cref="LocalEngine.LocalEngineSeed"/>).</summary>
    public bool FromLocalEngine => Snapshot?.Epoch == LocalEngine.LocalEngineSeed.Epoch;

    /// <summary>The ports the proxy listens on because of <see cref="Plan"/>.</summary>
    public ImmutableArray<ListenPort> Ports => Plan is null ? [] : [.. Plan.Routes.Ports.Select(port => port.Listen)];
}
