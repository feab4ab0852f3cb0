namespace GrandAmbassador.Contracts.Endpoints;

/// <summary>
/// What a <c>ContainerEndpointGrain</c> knows of one name at one moment: an immutable snapshot.
/// </summary>
/// <remarks>
/// <para><b>Ordering.</b> Snapshots are ordered by (<see cref="Epoch"/>, <see cref="Version"/>), never by a
/// clock: each grain activation draws a new random <see cref="Epoch"/> and counts <see cref="Version"/>
/// up from 1. Epochs have no order between them. A subscriber takes the snapshot that answers its
/// latest subscribe (or renewal) as its base, whatever its epoch; after that it takes only
/// notifications of the same epoch with a higher version. A notification of another epoch is kept
/// aside and taken only if the next subscribe reply turns out to be of that epoch with a lower
/// version (the notification overtook the reply).</para>
/// <para><b>Closing connections.</b> Only <see cref="Gone"/>, or an endpoint of the same host and
/// container that is not running or is a later run, is evidence that a container is gone. An
/// endpoint that merely stops appearing (its reporter silo was declared dead, its lease ran out, a
/// new activation has not heard from its host yet) gets no new connections once a
/// <see cref="Complete"/> snapshot leaves it out, but its open connections stay.</para>
/// </remarks>
/// <param name="Name">The name (container name or <c>grand-ambassador.name</c> label).</param>
/// <param name="Version">Counts the changes of one activation (see <see cref="Epoch"/>), from 1.</param>
/// <param name="Endpoints">Every container on every host that answers to the name.</param>
/// <param name="Epoch">The grain activation that made the snapshot: new, random, for each activation.</param>
/// <param name="Gone">Containers whose own host's agent said they were removed (or left the name),
/// remembered for <c>ContainerEndpointGrainOptions.TombstoneLifetime</c>: connections to them are closed.</param>
/// <param name="Complete">Whether every live host that lists this name in the host directory has
/// reported to this activation (or a lease has passed since it started). An incomplete snapshot
/// may add routes but a subscriber must not remove any because of it.</param>
[GenerateSerializer, Immutable, Alias("ga.EndpointSet")]
public sealed record EndpointSet(
    [property: Id(0)] string Name,
    [property: Id(1)] long Version,
    [property: Id(2)] EquatableArray<ContainerEndpoint> Endpoints,
    [property: Id(3)] Guid Epoch = default,
    [property: Id(4)] EquatableArray<GoneContainer> Gone = default,
    [property: Id(5)] bool Complete = true)
{
    /// <summary>Nothing known yet: incomplete, so it removes nothing.</summary>
    public static EndpointSet Empty(string name) => new(name, 0, [], Complete: false);

    /// <summary>Whether this is a later snapshot of the same activation than <paramref name="other"/>.</summary>
    public bool Follows(EndpointSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Epoch == other.Epoch && Version > other.Version;
    }

    /// <summary>Whether the container's own agent said it is gone.</summary>
    public bool IsGone(string hostId, string containerId) =>
        Gone.Items.Any(gone => gone.HostId == hostId && gone.ContainerId == containerId);
}
