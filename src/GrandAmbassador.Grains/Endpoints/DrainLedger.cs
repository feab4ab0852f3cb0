using System.Collections.Immutable;
using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Grains.Endpoints;

/// <summary>
/// What a name's grain needs to answer "has every ambassador stopped dialling this container?": from
/// which snapshot version on each container stopped being offered for new connections, and what each
/// ambassador's proxy said it dials after its last apply. One activation's memory, like the endpoints:
/// after a reactivation the followers apply the new epoch's first snapshot and say so again.
/// </summary>
internal sealed class DrainLedger
{
    private readonly Dictionary<ContainerKey, long> _notOfferedSince = [];
    private readonly Dictionary<string, RoutesApplied> _applied = new(StringComparer.Ordinal);
    private HashSet<ContainerKey> _offered = [];

    /// <summary>Called with every snapshot the grain publishes, before anyone can apply it.</summary>
    public void Published(EndpointSet snapshot)
    {
        var offered = snapshot.Endpoints
            .Where(endpoint => endpoint.AcceptsTraffic)
            .Select(endpoint => new ContainerKey(endpoint.HostId, endpoint.ContainerId))
            .ToHashSet();
        foreach (var endpoint in snapshot.Endpoints.Where(endpoint => !endpoint.AcceptsTraffic))
        {
            _notOfferedSince.TryAdd(new ContainerKey(endpoint.HostId, endpoint.ContainerId), snapshot.Version);
        }

        foreach (var left in _offered.Where(key => !offered.Contains(key)))
        {
            _notOfferedSince.TryAdd(left, snapshot.Version);
        }

        foreach (var key in offered)
        {
            _notOfferedSince.Remove(key);
        }

        _offered = offered;
    }

    /// <summary>Keeps each ambassador's latest word: one that overtook an older one of the same epoch stays.</summary>
    public void Applied(RoutesApplied applied)
    {
        if (_applied.TryGetValue(applied.HostId, out var before) && before.Epoch == applied.Epoch && before.Version > applied.Version)
        {
            return;
        }

        _applied[applied.HostId] = applied;
    }

    /// <summary>Forgets a container no snapshot mentions any more (its tombstone ended).</summary>
    public void Forget(ContainerKey container)
    {
        if (!_offered.Contains(container))
        {
            _notOfferedSince.Remove(container);
        }
    }

    /// <summary>
    /// A container this activation never offered is not offered from its first snapshot on; one it offers
    /// now is confirmed by nobody. An ambassador confirms once it applied a snapshot of this epoch at or
    /// after the one that stopped offering it, and its routes do not dial it.
    /// </summary>
    public DrainConfirmations Confirmations(ContainerKey container, Guid epoch)
    {
        if (_offered.Contains(container))
        {
            return new DrainConfirmations(false, []);
        }

        var since = _notOfferedSince.GetValueOrDefault(container, 0);
        var confirmed = _applied.Values
            .Where(applied => applied.Epoch == epoch && applied.Version >= since && !applied.Routed.Items.Contains(container))
            .Select(applied => applied.HostId)
            .Order(StringComparer.Ordinal)
            .ToImmutableArray();
        return new DrainConfirmations(true, confirmed);
    }
}
