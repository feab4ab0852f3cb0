using System.Collections.Immutable;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.DataPlane;

/// <summary>What <see cref="Ambassador.RouteBuilder"/> decided: the proxy's routes, and what could not be routed.</summary>
/// <param name="Routes">What the proxy applies.</param>
/// <param name="Unreachable">Containers that answer to the name but cannot be dialled from here.</param>
/// <param name="Routed">The running endpoints the routes were built from: the snapshot's, plus, while
/// snapshots are incomplete, earlier ones the snapshot does not mention and no evidence says are gone.</param>
/// <param name="Retained">The endpoints whose open connections stay: every one not known to be gone.
/// The next <see cref="Ambassador.RouteBuilder.Build"/> takes this plan back to carry them on.</param>
/// <param name="LeftOut">Containers some of whose exposed ports get no listener: the name exposes more
/// ports than <see cref="Ambassador.RouteContext.MaxExposedPorts"/>.</param>
/// <param name="Listening">The ports the routes listen on, in the contract's terms; kept by the next
/// plan while no container runs, so that new connections are held rather than refused.</param>
internal sealed record RoutePlan(
    ServiceRoutes Routes,
    ImmutableArray<UnreachableEndpoint> Unreachable,
    ImmutableArray<ContainerEndpoint> Routed,
    ImmutableArray<ContainerEndpoint> Retained,
    ImmutableArray<PortsLeftOut> LeftOut,
    ImmutableArray<PlannedPort> Listening);
