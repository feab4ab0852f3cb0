using System.Collections.Concurrent;
using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Docker.Watching;

/// <summary>
/// What the agent last told the sink about each container, kept across sessions: while the engine
/// is away the agent keeps renewing these, flagged stale, for a bounded time.
/// </summary>
internal sealed class KnownContainers
{
    private readonly ConcurrentDictionary<string, ContainerEndpoint> _known = new(StringComparer.Ordinal);

    public IReadOnlyCollection<ContainerEndpoint> All => [.. _known.Values];

    public ContainerEndpoint? Find(string containerId) => _known.GetValueOrDefault(containerId);

    public void Reconciled(IEnumerable<ContainerEndpoint> all)
    {
        var list = all.ToList();
        var present = list.Select(endpoint => endpoint.ContainerId).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _known.Keys.Where(id => !present.Contains(id)).ToList())
        {
            _known.TryRemove(gone, out _);
        }

        foreach (var endpoint in list)
        {
            _known[endpoint.ContainerId] = endpoint;
        }
    }

    public void Reported(ContainerEndpoint endpoint) => _known[endpoint.ContainerId] = endpoint;

    public void Removed(string containerId) => _known.TryRemove(containerId, out _);
}
