namespace GrandAmbassador.Contracts.Endpoints;

/// <summary>The container's address on one Docker network (from <c>NetworkSettings.Networks</c>).</summary>
/// <param name="Network">The network's name, e.g. "bridge" or a user-defined network.</param>
/// <param name="Address">The IPv4 or IPv6 address, as text.</param>
/// <param name="PrefixLength">The subnet's prefix length; 0 when the engine did not say.</param>
/// <param name="Gateway">The network's gateway (the host's side of a bridge), when there is one.</param>
[GenerateSerializer, Immutable, Alias("ga.NetworkAddress")]
public sealed record NetworkAddress(
    [property: Id(0)] string Network,
    [property: Id(1)] string Address,
    [property: Id(2)] int PrefixLength,
    [property: Id(3)] string? Gateway);
