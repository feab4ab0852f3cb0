namespace GrandAmbassador.Contracts.Endpoints;

/// <summary>One container of one host, whatever its run: what a drain and its confirmations are about.</summary>
[GenerateSerializer, Immutable, Alias("ga.ContainerKey")]
public sealed record ContainerKey(
    [property: Id(0)] string HostId,
    [property: Id(1)] string ContainerId)
{
    public override string ToString() => $"{HostId}/{(ContainerId.Length > 12 ? ContainerId[..12] : ContainerId)}";
}
