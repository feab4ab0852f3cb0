using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Grains.Endpoints;

/// <summary>An endpoint as the grain holds it: gone at <see cref="ExpiresAt"/> unless its agent reports it again.</summary>
internal readonly record struct LeasedEndpoint(ContainerEndpoint Endpoint, DateTimeOffset ExpiresAt);
