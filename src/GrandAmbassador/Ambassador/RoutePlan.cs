using System.Collections.Immutable;
using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.Ambassador;

/// <summary>What <see cref="RouteBuilder"/> decided: the proxy's routes, and what could not be routed.</summary>
internal sealed record RoutePlan(ServiceRoutes Routes, ImmutableArray<UnreachableEndpoint> Unreachable);
