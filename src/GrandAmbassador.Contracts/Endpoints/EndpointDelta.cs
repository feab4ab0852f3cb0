namespace GrandAmbassador.Contracts.Endpoints;

/// <summary>
/// One change to a name's endpoints, as a grain publishes it: only what changed between two consecutive snapshots
/// of one activation, so that a publish costs what changed, not every endpoint of the name times every subscriber
/// (docs/architecture.md#deltas-to-subscribers). A subscriber applies it to the snapshot it holds when that is
/// exactly <see cref="Epoch"/>/<see cref="FromVersion"/>; otherwise it has missed something and asks the grain for
/// the whole snapshot.
/// </summary>
/// <param name="Name">The name.</param>
/// <param name="Epoch">The activation that made both snapshots.</param>
/// <param name="FromVersion">The snapshot this applies to.</param>
/// <param name="Version">The snapshot it makes.</param>
/// <param name="Upserted">Endpoints new or changed since <see cref="FromVersion"/>, whole.</param>
/// <param name="Left">Containers whose endpoint is no longer in the set (removed, its host's lease lapsed or its silo
/// declared dead): not evidence that they are gone, unless also in <see cref="GoneAdded"/>.</param>
/// <param name="GoneAdded">Tombstones added: containers whose own agent said they are gone.</param>
/// <param name="GoneDropped">Tombstones that ended (their lifetime passed, or the container came back).</param>
/// <param name="Complete">Whether the new snapshot is complete (<see cref="EndpointSet.Complete"/>).</param>
[GenerateSerializer, Immutable, Alias("ga.EndpointDelta")]
public sealed record EndpointDelta(
    [property: Id(0)] string Name,
    [property: Id(1)] Guid Epoch,
    [property: Id(2)] long FromVersion,
    [property: Id(3)] long Version,
    [property: Id(4)] EquatableArray<ContainerEndpoint> Upserted,
    [property: Id(5)] EquatableArray<ContainerKey> Left,
    [property: Id(6)] EquatableArray<GoneContainer> GoneAdded,
    [property: Id(7)] EquatableArray<GoneContainer> GoneDropped,
    [property: Id(8)] bool Complete)
{
    /// <summary>What changed from <paramref name="before"/> to <paramref name="after"/>, two snapshots of one activation.</summary>
    public static EndpointDelta Between(EndpointSet before, EndpointSet after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var old = before.Endpoints.Items.ToDictionary(Key);
        var now = after.Endpoints.Items.Select(Key).ToHashSet();
        return new EndpointDelta(
            after.Name,
            after.Epoch,
            before.Version,
            after.Version,
            [.. after.Endpoints.Items.Where(endpoint => !old.TryGetValue(Key(endpoint), out var was) || was != endpoint)],
            [.. old.Keys.Where(key => !now.Contains(key))],
            [.. after.Gone.Items.Except(before.Gone.Items)],
            [.. before.Gone.Items.Except(after.Gone.Items)],
            after.Complete);
    }

    /// <summary>Whether it applies to <paramref name="held"/>: the very snapshot it was computed from.</summary>
    public bool AppliesTo(EndpointSet held)
    {
        ArgumentNullException.ThrowIfNull(held);
        return held.Epoch == Epoch && held.Version == FromVersion;
    }

    /// <summary>The snapshot <paramref name="held"/> becomes; in the grain's order (host, then container).</summary>
    public EndpointSet ApplyTo(EndpointSet held)
    {
        ArgumentNullException.ThrowIfNull(held);
        if (!AppliesTo(held))
        {
            throw new ArgumentException($"the delta goes from {Epoch}/{FromVersion}, the snapshot is {held.Epoch}/{held.Version}", nameof(held));
        }

        var endpoints = held.Endpoints.Items.ToDictionary(Key);
        foreach (var key in Left)
        {
            endpoints.Remove(key);
        }

        foreach (var endpoint in Upserted)
        {
            endpoints[Key(endpoint)] = endpoint;
        }

        var gone = held.Gone.Items.Except(GoneDropped).Concat(GoneAdded).Distinct();
        return new EndpointSet(
            Name,
            Version,
            [.. endpoints.Values.OrderBy(endpoint => endpoint.HostId, StringComparer.Ordinal).ThenBy(endpoint => endpoint.ContainerId, StringComparer.Ordinal)],
            Epoch,
            [.. gone.OrderBy(container => container.HostId, StringComparer.Ordinal).ThenBy(container => container.ContainerId, StringComparer.Ordinal)],
            Complete);
    }

    private static ContainerKey Key(ContainerEndpoint endpoint) => new(endpoint.HostId, endpoint.ContainerId);
}
