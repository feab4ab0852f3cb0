using System.Collections.Frozen;
using System.Collections.Immutable;

namespace GrandAmbassador.Proxy.Routing;

/// <summary>
/// What one port routes to right now. Immutable; a new snapshot replaces it whole, and completes
/// <see cref="Replaced"/> so that held connections wake up without polling.
/// </summary>
internal sealed class RouteSnapshot
{
    private readonly TaskCompletionSource _replaced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly FrozenSet<string> _retainedBackendIds;

    public RouteSnapshot(ImmutableArray<Destination> destinations, FrozenSet<string> retainedBackendIds)
    {
        Destinations = destinations.IsDefault ? [] : destinations;
        _retainedBackendIds = retainedBackendIds;
    }

    /// <summary>A snapshot with nowhere to go and nothing retained.</summary>
    public static RouteSnapshot Empty { get; } = new([], FrozenSet<string>.Empty);

    public ImmutableArray<Destination> Destinations { get; }

    /// <summary>Completes when a newer snapshot takes this one's place, or the port closes.</summary>
    public Task Replaced => _replaced.Task;

    public bool Retains(string backendId) => _retainedBackendIds.Contains(backendId);

    internal void MarkReplaced() => _replaced.TrySetResult();
}
