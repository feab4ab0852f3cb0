using System.Collections.Immutable;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;
using GrandAmbassador.Grains.Membership;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Utilities;

namespace GrandAmbassador.Grains.Endpoints;

/// <summary>
/// The endpoints of one name across every host. Holds no persistent state on purpose: every agent reports
/// everything again when membership changes (which is what moves a grain), so a grain reactivated after its silo
/// died is refilled at once, and nothing in storage can go stale. Until it has heard from every host that has a
/// container with its name, its snapshots say they are incomplete, so that no subscriber drops a
/// route because of what it has not heard yet. At rest it hears nothing: an agent reports only changes, and vouches
/// for the rest with one lease per host, held by that host's <see cref="IHostAgentGrain"/>, which tells this grain
/// only when the lease lapses or comes back (docs/architecture.md#one-lease-per-host).
/// </summary>
internal sealed class ContainerEndpointGrain : Grain, IContainerEndpointGrain
{
    private readonly Dictionary<(string HostId, string ContainerId), LeasedEndpoint> _endpoints = [];
    private readonly Dictionary<(string HostId, string ContainerId), Tombstone> _tombstones = [];
    private readonly ObserverManager<IEndpointObserver> _observers;
    private readonly TimeProvider _time;
    private readonly ContainerEndpointGrainOptions _options;
    private readonly ILogger<ContainerEndpointGrain> _logger;
    private readonly IClusterMembershipService _membership;
    private readonly ActivationCompleteness _completeness;
    private readonly DrainLedger _drains = new();

    // Hosts whose lease lapsed: their endpoints are kept, unpublished, until the lease comes back or they report.
    private readonly HashSet<string> _lapsedHosts = new(StringComparer.Ordinal);
    private readonly SweepWhenDue _sweeps;

    // Ordering never depends on a clock: a new random epoch per activation, a counter within it.
    private readonly Guid _epoch = Guid.NewGuid();
    private EndpointSet _current;

    public ContainerEndpointGrain(
        TimeProvider time,
        IClusterMembershipService membership,
        IOptions<ContainerEndpointGrainOptions> options,
        ILogger<ContainerEndpointGrain> logger)
    {
        _time = time;
        _membership = membership;
        _options = options.Value;
        _logger = logger;
        _observers = new ObserverManager<IEndpointObserver>(_options.ObserverExpiry, logger);
        _completeness = new ActivationCompleteness(_time.GetUtcNow() + _options.CompletenessTimeout);
        _current = new EndpointSet(string.Empty, 0, [], _epoch, [], Complete: false);
        _sweeps = new SweepWhenDue(_time, membership, NextDeadline, SweepLapsedNow);
    }

    private string Name => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _current = _current with { Name = Name };
        _sweeps.Start();
        try
        {
            // Bounded: the directory may itself be on a silo that just died, and every call to this
            // grain (the followers' subscribes) waits behind its activation.
            var hosts = await GrainFactory.GetGrain<IHostDirectoryGrain>(IHostDirectoryGrain.Key)
                .GetHostsWithNameAsync(Name).WaitAsync(_options.DirectoryTimeout, _time, cancellationToken).ConfigureAwait(true);
            _completeness.Await(hosts, _endpoints.Keys.Select(key => key.HostId));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Not knowing whom to wait for only means waiting until the deadline.
            ContainerEndpointGrainLog.DirectoryUnavailable(_logger, Name, exception.Message);
        }

        if (_completeness.Check(_time.GetUtcNow(), HostIsDead))
        {
            _current = _current with { Complete = true };
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _sweeps.Dispose();
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    public Task ReportAsync(ContainerEndpoint endpoint, TimeSpan lease, SiloAddress? reporter = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var key = (endpoint.HostId, endpoint.ContainerId);
        var known = _endpoints.TryGetValue(key, out var previous);
        if (IsOlder(key, endpoint.Sequence, known ? previous.Endpoint.Sequence : 0))
        {
            ContainerEndpointGrainLog.OlderReportIgnored(_logger, Name, endpoint.HostId, endpoint.ShortId, endpoint.Sequence);
            return Task.CompletedTask;
        }

        // The sequence alone changing is a renewal, not news.
        var changed = !known || previous.Endpoint with { Sequence = endpoint.Sequence } != endpoint;
        var revived = _tombstones.Remove(key);
        // A report is its agent vouching again: a lapsed lease of its host no longer hides the host's endpoints.
        var relieved = _lapsedHosts.Remove(endpoint.HostId);
        var expiresAt = lease == Timeout.InfiniteTimeSpan ? DateTimeOffset.MaxValue : _time.GetUtcNow() + lease;
        _endpoints[key] = new LeasedEndpoint(endpoint, expiresAt, reporter);
        var completed = _completeness.Heard(endpoint.HostId, _time.GetUtcNow());
        if (expiresAt != DateTimeOffset.MaxValue)
        {
            _sweeps.Reschedule();
        }

        if (changed || revived || relieved || completed)
        {
            ContainerEndpointGrainLog.Reported(_logger, Name, endpoint.HostId, endpoint.ShortId, endpoint.Running, endpoint.Health.ToString());
            Publish();
        }

        return Task.CompletedTask;
    }

    public Task RemoveAsync(string hostId, string containerId, long sequence = 0)
    {
        var key = (hostId, containerId);
        var known = _endpoints.TryGetValue(key, out var previous);
        if (IsOlder(key, sequence, known ? previous.Endpoint.Sequence : 0))
        {
            ContainerEndpointGrainLog.OlderReportIgnored(_logger, Name, hostId, containerId, sequence);
            return Task.CompletedTask;
        }

        _endpoints.Remove(key);
        // Remembered even when this activation never saw it: a subscriber may still hold its connections.
        var isNew = !_tombstones.ContainsKey(key);
        _tombstones[key] = new Tombstone(sequence, _time.GetUtcNow() + _options.TombstoneLifetime);
        _sweeps.Reschedule();
        var completed = _completeness.Heard(hostId, _time.GetUtcNow());
        if (known || isNew || completed)
        {
            ContainerEndpointGrainLog.Removed(_logger, Name, hostId, containerId);
            Publish();
        }

        return Task.CompletedTask;
    }

    public Task HostLeaseAsync(string hostId, bool fresh)
    {
        // A lapse matters only for endpoints held here; a report clears it, and a sweep forgets it once none is left.
        var holds = _endpoints.Keys.Any(key => key.HostId == hostId);
        var changed = fresh ? _lapsedHosts.Remove(hostId) : holds && _lapsedHosts.Add(hostId);
        if (changed && holds)
        {
            ContainerEndpointGrainLog.HostLease(_logger, Name, hostId, fresh ? "renewed: its endpoints get new connections again" : "lapsed: its endpoints get no new connections (open ones stay)");
            Publish();
        }

        return Task.CompletedTask;
    }

    public Task AppliedAsync(RoutesApplied applied)
    {
        ArgumentNullException.ThrowIfNull(applied);
        _drains.Applied(applied, _time.GetUtcNow());
        return Task.CompletedTask;
    }

    public Task<DrainConfirmations> GetDrainConfirmationsAsync(ContainerKey container)
    {
        ArgumentNullException.ThrowIfNull(container);
        SweepLapsedNow();
        return Task.FromResult(_drains.Confirmations(container, _epoch, _time.GetUtcNow()));
    }

    public Task<EndpointSet> GetAsync()
    {
        SweepLapsedNow();
        return Task.FromResult(_current);
    }

    public Task<EndpointSet> SubscribeAsync(IEndpointObserver observer)
    {
        _observers.Subscribe(observer, observer);
        SweepLapsedNow();
        return Task.FromResult(_current);
    }

    public Task<EndpointSet?> RenewAsync(IEndpointObserver observer, Guid epoch, long version)
    {
        _observers.Subscribe(observer, observer);
        SweepLapsedNow();
        // Not modified: the subscriber holds this activation's current snapshot, so it has missed nothing.
        var notModified = _current.Epoch == epoch && _current.Version == version;
        return Task.FromResult<EndpointSet?>(notModified ? null : _current);
    }

    public Task UnsubscribeAsync(IEndpointObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    /// <summary>Whether news of sequence <paramref name="sequence"/> is older than what this container last told.</summary>
    private bool IsOlder((string HostId, string ContainerId) key, long sequence, long reported)
    {
        var removed = _tombstones.TryGetValue(key, out var tombstone) ? tombstone.Sequence : 0;
        return sequence < Math.Max(reported, removed);
    }

    /// <summary>The earliest time something held here lapses: a lease, a tombstone or the completeness deadline.</summary>
    private DateTimeOffset? NextDeadline()
    {
        var next = _completeness.PendingDeadline;
        foreach (var leased in _endpoints.Values)
        {
            next = Earlier(next, leased.ExpiresAt == DateTimeOffset.MaxValue ? null : leased.ExpiresAt);
        }

        foreach (var tombstone in _tombstones.Values)
        {
            next = Earlier(next, tombstone.ExpiresAt);
        }

        return next;
    }

    private static DateTimeOffset? Earlier(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a < b ? a : b;

    /// <summary>
    /// Sweeps what lapsed: endpoints whose lease ran out and those whose reporting silo the cluster
    /// declared dead (both dropped, so that they get no new connections), tombstones past their
    /// time, and the completeness deadline of a new activation. Neither lapse of an endpoint is evidence that the container is gone
    /// (the engine or the silo may be away while it runs on): they are not tombstoned, and
    /// subscribers keep their open connections.
    /// </summary>
    private void SweepLapsedNow()
    {
        var now = _time.GetUtcNow();
        var membership = _membership.CurrentSnapshot;
        var gone = new List<(string HostId, string ContainerId)>();
        foreach (var (key, leased) in _endpoints)
        {
            if (leased.ExpiresAt <= now)
            {
                ContainerEndpointGrainLog.LeaseExpired(_logger, Name, key.HostId, key.ContainerId);
                gone.Add(key);
            }
            else if (leased.Reporter is { } reporter && membership.GetSiloStatus(reporter) == SiloStatus.Dead)
            {
                ContainerEndpointGrainLog.ReporterDead(_logger, Name, key.HostId, key.ContainerId, reporter.ToString());
                gone.Add(key);
            }
        }

        foreach (var key in gone)
        {
            _endpoints.Remove(key);
        }

        foreach (var host in _lapsedHosts.Where(host => !_endpoints.Keys.Any(key => key.HostId == host)).ToList())
        {
            _lapsedHosts.Remove(host);
        }

        foreach (var key in _tombstones.Where(tombstone => tombstone.Value.ExpiresAt <= now).Select(tombstone => tombstone.Key).ToList())
        {
            _tombstones.Remove(key);
            _drains.Forget(new ContainerKey(key.HostId, key.ContainerId));
        }

        var completed = _completeness.Check(now, HostIsDead);
        if (completed)
        {
            ContainerEndpointGrainLog.CompletenessDeadline(_logger, Name);
        }

        if (gone.Count > 0 || completed)
        {
            Publish();
        }
        else
        {
            KeepWhileHolding();
        }
    }

    /// <summary>Whether the cluster declared dead every silo of <paramref name="hostId"/>, so that its agent will not report to this activation.</summary>
    private bool HostIsDead(string hostId) => DeadHosts.IsDead(_membership.CurrentSnapshot, hostId);

    /// <summary>
    /// Nothing renews what this activation holds at rest, so it must not be collected as idle while it holds endpoints
    /// or tombstones: its subscribers would get an empty new activation. One that holds nothing goes the usual way.
    /// </summary>
    private void KeepWhileHolding() =>
        DelayDeactivation(_endpoints.Count > 0 || _tombstones.Count > 0 ? TimeSpan.FromDays(3650) : TimeSpan.FromSeconds(-1));

    private void Publish()
    {
        var endpoints = _endpoints.Values
            .Where(leased => !_lapsedHosts.Contains(leased.Endpoint.HostId))
            .Select(leased => leased.Endpoint)
            .OrderBy(endpoint => endpoint.HostId, StringComparer.Ordinal)
            .ThenBy(endpoint => endpoint.ContainerId, StringComparer.Ordinal)
            .ToImmutableArray();
        var gone = _tombstones.Keys
            .OrderBy(key => key.HostId, StringComparer.Ordinal)
            .ThenBy(key => key.ContainerId, StringComparer.Ordinal)
            .Select(key => new GoneContainer(key.HostId, key.ContainerId))
            .ToImmutableArray();
        var previous = _current;
        _current = new EndpointSet(Name, _current.Version + 1, endpoints, _epoch, gone, _completeness.IsComplete);
        var snapshot = _current;
        KeepWhileHolding();
        _drains.Published(snapshot);
        // Only what changed goes out: a publish costs O(change) per subscriber, not O(endpoints).
        var delta = EndpointDelta.Between(previous, snapshot);
        _observers.Notify(observer => observer.OnEndpointsDelta(delta));
        ContainerEndpointGrainLog.Notified(_logger, Name, snapshot.Version, _observers.Count);
    }
}
