using System.Collections.Immutable;

namespace GrandAmbassador.Contracts.Endpoints;

/// <summary>A port the container exposes, and where the host publishes it, if anywhere.</summary>
[GenerateSerializer, Immutable, Alias("ga.ExposedPort")]
public sealed record ExposedPort(
    [property: Id(0)] int ContainerPort,
    [property: Id(1)] PortProtocol Protocol,
    [property: Id(2)] ImmutableArray<PublishedPort> Published)
{
    public bool Equals(ExposedPort? other) =>
        other is not null
        && ContainerPort == other.ContainerPort
        && Protocol == other.Protocol
        && ImmutableArrayEquality.Equal(Published, other.Published);

    public override int GetHashCode() =>
        HashCode.Combine(ContainerPort, Protocol, ImmutableArrayEquality.Hash(Published));

    public override string ToString() =>
        $"{ContainerPort}/{Protocol.ToString().ToLowerInvariant()}";
}
