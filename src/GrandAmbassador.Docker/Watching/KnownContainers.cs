using System.Collections.Concurrent;
using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Docker.Watching;

/// <summary>
/// What the agent last told the sink about each container, kept across sessions: the one memory of
/// reported containers. The agent alone writes it (one call at a time, each before the sink call it
/// describes), and hands the sink what a call needs from it; while the engine is away it keeps renewing
/// these, flagged stale, for a bounded time. Others only read it, beside the agent: drains find their
/// container in it, and the host's sink re-reports it after a cluster change and registers its names.
/// </summary>
internal sealed class KnownContainers
{
    private readonly ConcurrentDictionary<string, ContainerEndpoint> _known = new(StringComparer.Ordinal);

    public IReadOnlyCollection<ContainerEndpoint> All => [.. _known.Values];

    /// <summary>The ids remembered now: a reader that goes through them looks each up again at its turn.</summary>
    public IReadOnlyCollection<string> Ids => [.. _known.Keys];

    public ContainerEndpoint? Find(string containerId) => _known.GetValueOrDefault(containerId);

    /// <summary>Remembers the complete set <paramref name="all"/> instead of what was known.</summary>
    /// <returns>Each of <paramref name="all"/> with what was known of it before, and what was known of each
    /// container the set no longer has (gone), computed here once for the agent and its sink.</returns>
    public (IReadOnlyList<ContainerReport> All, IReadOnlyList<ContainerEndpoint> Gone) Reconciled(IEnumerable<ContainerEndpoint> all)
    {
        var reports = all.Select(endpoint => new ContainerReport(endpoint, Find(endpoint.ContainerId))).ToList();
        var present = reports.Select(report => report.Endpoint.ContainerId).ToHashSet(StringComparer.Ordinal);
        var gone = new List<ContainerEndpoint>();
        foreach (var id in _known.Keys.Where(id => !present.Contains(id)).ToList())
        {
            if (_known.TryRemove(id, out var last))
            {
                gone.Add(last);
            }
        }

        foreach (var report in reports)
        {
            _known[report.Endpoint.ContainerId] = report.Endpoint;
        }

        return (reports, gone);
    }

    /// <summary>Remembers <paramref name="endpoint"/> as its container's last report.</summary>
    /// <returns>It, with what was known of the container before.</returns>
    public ContainerReport Reported(ContainerEndpoint endpoint)
    {
        var report = new ContainerReport(endpoint, Find(endpoint.ContainerId));
        _known[endpoint.ContainerId] = endpoint;
        return report;
    }

    /// <summary>Forgets the container.</summary>
    /// <returns>What was known of it, or <c>null</c> when it was never reported.</returns>
    public ContainerEndpoint? Removed(string containerId) => _known.TryRemove(containerId, out var last) ? last : null;
}
