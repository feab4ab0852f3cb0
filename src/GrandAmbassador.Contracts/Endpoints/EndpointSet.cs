using System.Collections.Immutable;

namespace GrandAmbassador.Contracts.Endpoints;

/// <summary>
/// What a <c>ContainerEndpointGrain</c> knows of one name at one moment: an immutable snapshot.
/// </summary>
/// <param name="Name">The name (container name or <c>grand-ambassador.name</c> label).</param>
/// <param name="Version">Grows with every change, across grain reactivations too, so that a
/// subscriber can drop a snapshot that arrives after a newer one.</param>
/// <param name="Endpoints">Every container on every host that answers to the name.</param>
[GenerateSerializer, Immutable, Alias("ga.EndpointSet")]
public sealed record EndpointSet(
    [property: Id(0)] string Name,
    [property: Id(1)] long Version,
    [property: Id(2)] ImmutableArray<ContainerEndpoint> Endpoints)
{
    public bool Equals(EndpointSet? other) =>
        other is not null
        && Name == other.Name
        && Version == other.Version
        && ImmutableArrayEquality.Equal(Endpoints, other.Endpoints);

    public override int GetHashCode() => HashCode.Combine(Name, Version, ImmutableArrayEquality.Hash(Endpoints));

    public static EndpointSet Empty(string name) => new(name, 0, []);
}
