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
    /// <summary>
    /// How long an ambassador's word keeps it among those heard from: the host directory's lease. Past it,
    /// one that stopped following the name (removed it, or stopped) is no longer waited for.
    /// </summary>
    private static readonly TimeSpan HeardFor = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, (RoutesApplied Applied, DateTimeOffset At)> _applied = new(StringComparer.Ordinal);
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
    public void Applied(RoutesApplied applied, DateTimeOffset now)
    {
        if (_applied.TryGetValue(applied.HostId, out var before) && before.Applied.Epoch == applied.Epoch && before.Applied.Version > applied.Version)
        {
            _applied[applied.HostId] = before with { At = now };
            return;
        }

        _applied[applied.HostId] = (applied, now);
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
    public DrainConfirmations Confirmations(ContainerKey container, Guid epoch, DateTimeOffset now)
    {
        var heard = _applied.Where(entry => now - entry.Value.At < HeardFor).Select(entry => entry.Key).Order(StringComparer.Ordinal).ToImmutableArray();
        if (_offered.Contains(container))
        {
            return new DrainConfirmations(false, [], heard);
        }

        var since = _notOfferedSince.GetValueOrDefault(container, 0);
        var confirmed = _applied.Values
            .Select(entry => entry.Applied)
            .Where(applied => applied.Epoch == epoch && applied.Version >= since && !applied.Routed.Items.Contains(container))
            .Select(applied => applied.HostId)
            .Order(StringComparer.Ordinal)
            .ToImmutableArray();
        return new DrainConfirmations(true, confirmed, heard);
    }
}
