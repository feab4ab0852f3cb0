using System.Collections.Immutable;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Utilities;

namespace GrandAmbassador.Grains.Endpoints;

/// <summary>
/// The endpoints of one name across every host. Holds no persistent state on purpose: agents
/// re-report on a lease, so a grain reactivated after its silo died is refilled within one lease
/// period, and nothing in storage can go stale.
/// </summary>
internal sealed class ContainerEndpointGrain : Grain, IContainerEndpointGrain
{
    private readonly Dictionary<(string HostId, string ContainerId), LeasedEndpoint> _endpoints = [];
    private readonly ObserverManager<IEndpointObserver> _observers;
    private readonly TimeProvider _time;
    private readonly ContainerEndpointGrainOptions _options;
    private readonly ILogger<ContainerEndpointGrain> _logger;
    private EndpointSet _current;

    private readonly IClusterMembershipService _membership;

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
        // Versions start from the clock so that a reactivated grain's snapshots still order after
        // the ones its previous activation sent.
        _current = new EndpointSet(string.Empty, _time.GetUtcNow().UtcTicks, []);
    }

    private string Name => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _current = _current with { Name = Name };
        this.RegisterGrainTimer(
            SweepExpiredLeases,
            new GrainTimerCreationOptions(_options.LeaseSweepInterval, _options.LeaseSweepInterval) { KeepAlive = false });
        return Task.CompletedTask;
    }

    public Task ReportAsync(ContainerEndpoint endpoint, TimeSpan lease, SiloAddress? reporter = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var key = (endpoint.HostId, endpoint.ContainerId);
        var changed = !_endpoints.TryGetValue(key, out var previous) || previous.Endpoint != endpoint;
        _endpoints[key] = new LeasedEndpoint(endpoint, _time.GetUtcNow() + lease, reporter);
        if (changed)
        {
            ContainerEndpointGrainLog.Reported(_logger, Name, endpoint.HostId, endpoint.ShortId, endpoint.Running, endpoint.Health.ToString());
            Publish();
        }

        return Task.CompletedTask;
    }

    public Task RemoveAsync(string hostId, string containerId)
    {
        if (_endpoints.Remove((hostId, containerId)))
        {
            ContainerEndpointGrainLog.Removed(_logger, Name, hostId, containerId);
            Publish();
        }

        return Task.CompletedTask;
    }

    public Task RemoveHostAsync(string hostId)
    {
        var gone = _endpoints.Keys.Where(key => key.HostId == hostId).ToList();
        foreach (var key in gone)
        {
            _endpoints.Remove(key);
            ContainerEndpointGrainLog.Removed(_logger, Name, key.HostId, key.ContainerId);
        }

        if (gone.Count > 0)
        {
            Publish();
        }

        return Task.CompletedTask;
    }

    public Task<EndpointSet> GetAsync()
    {
        SweepExpiredLeasesNow();
        return Task.FromResult(_current);
    }

    public Task<EndpointSet> SubscribeAsync(IEndpointObserver observer)
    {
        _observers.Subscribe(observer, observer);
        SweepExpiredLeasesNow();
        return Task.FromResult(_current);
    }

    public Task UnsubscribeAsync(IEndpointObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    private Task SweepExpiredLeases(CancellationToken cancellationToken)
    {
        SweepExpiredLeasesNow();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Drops endpoints whose lease ran out, and those whose reporting silo the cluster declared
    /// dead: a host that dies takes its endpoints with it as fast as membership notices, not a
    /// whole lease later.
    /// </summary>
    private void SweepExpiredLeasesNow()
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

        if (gone.Count > 0)
        {
            Publish();
        }
    }

    private void Publish()
    {
        var endpoints = _endpoints.Values
            .Select(leased => leased.Endpoint)
            .OrderBy(endpoint => endpoint.HostId, StringComparer.Ordinal)
            .ThenBy(endpoint => endpoint.ContainerId, StringComparer.Ordinal)
            .ToImmutableArray();
        // Never behind the clock, never behind the last version: see the constructor.
        var version = Math.Max(_current.Version + 1, _time.GetUtcNow().UtcTicks);
        _current = new EndpointSet(Name, version, endpoints);
        var snapshot = _current;
        _observers.Notify(observer => observer.OnEndpointsChanged(snapshot));
        ContainerEndpointGrainLog.Notified(_logger, Name, snapshot.Version, _observers.Count);
    }
}
