using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Docker.Tests.Lab;

/// <summary>Compares exposed ports by value, including their published bindings (ImmutableArray compares by reference).</summary>
internal sealed class ExposedPortComparer : IEqualityComparer<ExposedPort>
{
    public static readonly ExposedPortComparer Instance = new();

    public bool Equals(ExposedPort? x, ExposedPort? y) =>
        x is not null && y is not null
        && x.ContainerPort == y.ContainerPort
        && x.Protocol == y.Protocol
        && x.Published.SequenceEqual(y.Published);

    public int GetHashCode(ExposedPort obj) => HashCode.Combine(obj.ContainerPort, obj.Protocol);
}
