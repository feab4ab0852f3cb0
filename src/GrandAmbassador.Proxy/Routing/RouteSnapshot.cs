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

    /// <summary>
    /// Closes every open flow (a TCP connection, a UDP session) whose backend this snapshot no longer
    /// retains, and says how many it closed. Runs after the swap, so a flow still choosing its backend
    /// from the old snapshot checks the new one itself.
    /// </summary>
    public int CloseNotRetained<TFlow>(IEnumerable<TFlow> flows, Func<TFlow, string?> backendOf, Action<TFlow> close)
    {
        var closed = 0;
        foreach (var flow in flows)
        {
            if (backendOf(flow) is { } backendId && !Retains(backendId))
            {
                close(flow);
                closed++;
            }
        }

        return closed;
    }

    internal void MarkReplaced() => _replaced.TrySetResult();
}
