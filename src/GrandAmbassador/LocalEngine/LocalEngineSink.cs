using System.Collections.Immutable;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Docker;

namespace GrandAmbassador.LocalEngine;

/// <summary>
/// What the local engine's seed watcher last saw: this host's containers, and those it saw removed
/// (the seed's tombstones, so that a removed container's routes go as they would from a grain). The
/// watcher calls it one call at a time; <paramref name="changed"/> runs after each call.
/// </summary>
internal sealed class LocalEngineSink(string hostId, Func<CancellationToken, Task> changed) : IContainerEndpointSink
{
    private ImmutableDictionary<string, ContainerEndpoint> _containers = ImmutableDictionary<string, ContainerEndpoint>.Empty;
    private ImmutableHashSet<string> _gone = [];

    /// <summary>The containers seen now.</summary>
    public IEnumerable<ContainerEndpoint> Containers => Volatile.Read(ref _containers).Values;

    /// <summary>The containers seen removed since the watcher started.</summary>
    public ImmutableArray<GoneContainer> Gone => [.. Volatile.Read(ref _gone).Select(id => new GoneContainer(hostId, id))];

    public Task ReportAsync(ContainerEndpoint endpoint, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        Volatile.Write(ref _containers, _containers.SetItem(endpoint.ContainerId, endpoint));
        return changed(ct);
    }

    public Task RemoveAsync(string containerId, long sequence, CancellationToken ct)
    {
        Volatile.Write(ref _containers, _containers.Remove(containerId));
        Volatile.Write(ref _gone, _gone.Add(containerId));
        return changed(ct);
    }

    public Task ReconcileAsync(IReadOnlyCollection<ContainerEndpoint> all, long sequence, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(all);
        var next = all.ToImmutableDictionary(endpoint => endpoint.ContainerId, StringComparer.Ordinal);
        Volatile.Write(ref _gone, _gone.Union(_containers.Keys.Where(id => !next.ContainsKey(id))).Except(next.Keys));
        Volatile.Write(ref _containers, next);
        return changed(ct);
    }
}
