using System.Collections.Immutable;

namespace GrandAmbassador.Proxy.Routing;

/// <summary>An immutable snapshot of everything one fronted service needs; applied as a whole.</summary>
/// <param name="ServiceName">The fronted service.</param>
/// <param name="Ports">The ports to listen on; a port missing here stops listening.</param>
/// <param name="RetainedBackendIds">
/// Backends whose existing connections may stay open (e.g. running but unhealthy). Any open connection to a
/// backend neither in this set nor among the <see cref="Ports"/>' destinations is closed both ways.
/// </param>
internal sealed record ServiceRoutes(string ServiceName, ImmutableArray<PortRoute> Ports, ImmutableHashSet<string> RetainedBackendIds);
