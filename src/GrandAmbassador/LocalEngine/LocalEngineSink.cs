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

    public Task ReportAsync(ContainerReport report, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(report);
        var endpoint = report.Endpoint;
        Volatile.Write(ref _containers, _containers.SetItem(endpoint.ContainerId, endpoint));
        return changed(ct);
    }

    /// <summary>A tombstone for <paramref name="containerId"/>, also when the watcher never reported it
    /// (<paramref name="last"/> is <c>null</c>): the engine said that id is gone.</summary>
    public Task RemoveAsync(string containerId, ContainerEndpoint? last, long sequence, CancellationToken ct)
    {
        Volatile.Write(ref _containers, _containers.Remove(containerId));
        Volatile.Write(ref _gone, _gone.Add(containerId));
        return changed(ct);
    }

    public Task ReconcileAsync(IReadOnlyCollection<ContainerReport> all, IReadOnlyCollection<ContainerEndpoint> gone, long sequence, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(all);
        ArgumentNullException.ThrowIfNull(gone);
        var next = all.Select(report => report.Endpoint).ToImmutableDictionary(endpoint => endpoint.ContainerId, StringComparer.Ordinal);
        // The watcher's memory told what left (its reports are exactly what this sink was told); one seen
        // again (a tombstone for an id the list has) is no longer gone.
        Volatile.Write(ref _gone, _gone.Union(gone.Select(last => last.ContainerId)).Except(next.Keys));
        Volatile.Write(ref _containers, next);
        return changed(ct);
    }
}
