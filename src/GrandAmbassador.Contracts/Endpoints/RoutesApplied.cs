namespace GrandAmbassador.Contracts.Endpoints;

/// <summary>
/// What one ambassador's proxy took for new connections after it applied a snapshot of a name: the
/// evidence a drain waits for (a container the proxy no longer dials), sent by the proxy's follower,
/// not inferred from the snapshot.
/// </summary>
/// <param name="HostId">The ambassador's host (its <c>--host-id</c>).</param>
/// <param name="Epoch">The snapshot's <see cref="EndpointSet.Epoch"/>.</param>
/// <param name="Version">The snapshot's <see cref="EndpointSet.Version"/>.</param>
/// <param name="Routed">Every container the proxy's routes now dial for new connections, on any port.</param>
[GenerateSerializer, Immutable, Alias("ga.RoutesApplied")]
public sealed record RoutesApplied(
    [property: Id(0)] string HostId,
    [property: Id(1)] Guid Epoch,
    [property: Id(2)] long Version,
    [property: Id(3)] EquatableArray<ContainerKey> Routed);
