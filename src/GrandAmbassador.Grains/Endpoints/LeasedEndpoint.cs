using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Grains.Endpoints;

/// <summary>
/// An endpoint as the grain holds it: gone at <see cref="ExpiresAt"/> unless its agent reports it
/// again, or as soon as its <see cref="Reporter"/> silo is declared dead.
/// </summary>
internal readonly record struct LeasedEndpoint(ContainerEndpoint Endpoint, DateTimeOffset ExpiresAt, SiloAddress? Reporter);
