using System.Collections.Immutable;

namespace GrandAmbassador.Proxy.Routing;

/// <summary>One listening port and where new connections on it go.</summary>
/// <param name="Listen">The port to listen on.</param>
/// <param name="Destinations">In any order: the engine balances across them. Empty holds new connections.</param>
internal sealed record PortRoute(ListenPort Listen, ImmutableArray<Destination> Destinations);
