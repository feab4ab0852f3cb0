namespace GrandAmbassador.Contracts.Endpoints;

/// <summary>
/// One host's heartbeat: its agent vouches, for <paramref name="Duration"/>, for every endpoint it reported. One
/// small message per host per reconcile interval, to a grain on the host's own silo, instead of one renewal per
/// container to every name's grain (docs/architecture.md#one-lease-per-host).
/// </summary>
/// <param name="Names">Every name the host's containers answer to: the grains told when the lease lapses or is
/// renewed after a lapse.</param>
/// <param name="Duration">How long the lease holds without another heartbeat.</param>
[GenerateSerializer, Immutable, Alias("ga.HostLease")]
public sealed record HostLease(
    [property: Id(0)] EquatableArray<string> Names,
    [property: Id(1)] TimeSpan Duration);
