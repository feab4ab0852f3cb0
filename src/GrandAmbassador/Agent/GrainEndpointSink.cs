using System.Collections.Immutable;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;
using GrandAmbassador.Docker;
using GrandAmbassador.Docker.Watching;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GrandAmbassador.Agent;

/// <summary>
/// Where the Docker agent's reports go: the <see cref="IContainerEndpointGrain"/> of every name a
/// container answers to, with this silo as the reporter (so the endpoints die with this host), the host's
/// <see cref="IHostAgentGrain"/> (its lease) and the cluster's <see cref="IHostDirectoryGrain"/>.
/// <para>
/// It sends only news (docs/architecture.md#one-lease-per-host): a container whose state differs from its last
/// report, a removal, and what a grain failed to take (<see cref="UndeliveredReports"/>). What did not change is
/// vouched for by one heartbeat per reconcile to the host's lease, on this silo; everything is sent again every
/// <see cref="ResendInterval"/> as a safety net, and at once when membership changes (<see cref="RefreshAsync"/>).
/// </para>
/// It remembers no container state itself: the agent passes each container's previous report (so that a renamed or
/// relabelled container leaves its old names) and what a list no longer has, and a re-report of everything, or the
/// names registered with the directory, read the agent's own memory, <see cref="KnownContainers"/>, so the two
/// cannot disagree.
/// </summary>
internal sealed class GrainEndpointSink(
    IGrainFactory grains,
    ILocalSiloDetails silo,
    KnownContainers known,
    IOptions<DockerAgentOptions> options,
    TimeProvider time,
    ILogger<GrainEndpointSink> logger) : IContainerEndpointSink
{
    /// <summary>
    /// How often every container is sent again although nothing changed: a safety net for news a grain lost without a
    /// failed call (its activation was lost without a membership change), until digests replace it.
    /// </summary>
    public static readonly TimeSpan ResendInterval = TimeSpan.FromHours(1);

    /// <summary>How often the directory hears this host's names although they did not change; its lease is three of these.</summary>
    public static readonly TimeSpan DirectoryRenewal = TimeSpan.FromMinutes(1);

    private readonly UndeliveredReports _undelivered = new();
    private readonly Lock _gate = new();
    private DateTimeOffset _resendAt;
    private DateTimeOffset _registerAt;
    private long _lastHeartbeatTicks = DateTimeOffset.MinValue.UtcTicks; // read by the cluster-change refresh, beside the agent
    private EquatableArray<string> _registeredNames;

    /// <summary>Three reconcile intervals: two heartbeats can be lost before the host's lease lapses.</summary>
    private TimeSpan Lease => options.Value.ReconcileInterval * 3;

    private string HostId => options.Value.HostId;

    public Task ReportAsync(ContainerReport report, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.Changed || _undelivered.ReportPending(report.Endpoint.ContainerId)
            ? ReportAsync(report, registerNewNames: true, ct)
            : Task.CompletedTask;
    }

    public async Task ReconcileAsync(IReadOnlyCollection<ContainerReport> all, IReadOnlyCollection<ContainerEndpoint> gone, long sequence, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(all);
        ArgumentNullException.ThrowIfNull(gone);
        var now = time.GetUtcNow();
        var everything = Due(ref _resendAt, now, ResendInterval);
        var news = all.Where(report => everything || report.Changed || _undelivered.ReportPending(report.Endpoint.ContainerId));
        var retries = _undelivered.Removals.Select(removal => RemoveFromAsync(removal.Name, removal.ContainerId, removal.Sequence, ct));
        await Task.WhenAll(
            news.Select(report => ReportAsync(report, registerNewNames: false, ct))
                .Concat(gone.Select(last => RemoveAsync(last.ContainerId, last, sequence, ct)))
                .Concat(retries)).ConfigureAwait(false);

        // After the news, so that a lapsed lease comes back only once the grains have the state it vouches for.
        await RenewLeaseAsync(ct).ConfigureAwait(false);
        // Once for the whole set, rather than once per container that brought a new name.
        await RegisterHostAsync(force: false, ct).ConfigureAwait(false);
    }

    /// <param name="report">The container now, and as last reported.</param>
    /// <param name="registerNewNames">Whether a name this host did not have yet is registered with the
    /// directory now; a reconcile registers the whole set once at its end instead.</param>
    /// <param name="ct">Cancelled when the agent stops.</param>
    private async Task ReportAsync(ContainerReport report, bool registerNewNames, CancellationToken ct)
    {
        var endpoint = report.Endpoint;
        var reports = ReportToGrains(endpoint, ct);
        var removals = report.LeftNames.Select(name => RemoveFromAsync(name, endpoint.ContainerId, endpoint.Sequence, ct));
        var directory = registerNewNames && report.NewNames.Any()
            ? RegisterHostAsync(force: false, ct)
            : Task.CompletedTask;
        var delivered = await Task.WhenAll(reports).ConfigureAwait(false);
        await Task.WhenAll(removals.Append(directory)).ConfigureAwait(false);
        Track(endpoint.ContainerId, delivered);
    }

    /// <summary>Leaves the grain of every name <paramref name="last"/> had; nothing for a container never reported.</summary>
    public Task RemoveAsync(string containerId, ContainerEndpoint? last, long sequence, CancellationToken ct)
    {
        if (last is null)
        {
            return Task.CompletedTask;
        }

        _undelivered.ReportDelivered(containerId);
        return Task.WhenAll(last.ServiceNames.Select(name => RemoveFromAsync(name, containerId, sequence, ct)));
    }

    /// <summary>
    /// Reports everything again now: grains moved (a silo died) and came back empty. Runs beside the
    /// agent's own calls, so it only sends, and each container as the agent remembers it when its turn
    /// comes: one the agent removed meanwhile is not reported after its removal (an empty grain would
    /// take it back). Each report keeps its agent sequence, so a grain drops one that is older than
    /// what it has. Sends nothing while the agent does not vouch for its containers (its heartbeat stopped:
    /// the engine has been away longer than it keeps stale endpoints), since nothing would tell a new grain
    /// that the host's lease lapsed.
    /// </summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        if (time.GetUtcNow().UtcTicks - Interlocked.Read(ref _lastHeartbeatTicks) > Lease.Ticks)
        {
            return;
        }

        var reports = new List<Task>();
        foreach (var containerId in known.Ids)
        {
            if (known.Find(containerId) is { } endpoint)
            {
                reports.Add(ReportAndTrackAsync(endpoint, ct));
            }
        }

        await Task.WhenAll(reports).ConfigureAwait(false);
        await RegisterHostAsync(force: true, ct).ConfigureAwait(false);
    }

    private async Task ReportAndTrackAsync(ContainerEndpoint endpoint, CancellationToken ct) =>
        Track(endpoint.ContainerId, await Task.WhenAll(ReportToGrains(endpoint, ct)).ConfigureAwait(false));

    private void Track(string containerId, bool[] delivered)
    {
        if (delivered.All(ok => ok))
        {
            _undelivered.ReportDelivered(containerId);
        }
        else
        {
            _undelivered.ReportFailed(containerId);
        }
    }

    /// <summary>Starts the report to the grain of each of its names: held by the host's lease, not a lease of its own.</summary>
    private IEnumerable<Task<bool>> ReportToGrains(ContainerEndpoint endpoint, CancellationToken ct) =>
        [.. endpoint.ServiceNames.Select(name => CallAsync(name, () => Name(name).ReportAsync(endpoint, Timeout.InfiniteTimeSpan, silo.SiloAddress), ct))];

    private async Task RemoveFromAsync(string name, string containerId, long sequence, CancellationToken ct)
    {
        if (await CallAsync(name, () => Name(name).RemoveAsync(HostId, containerId, sequence), ct).ConfigureAwait(false))
        {
            _undelivered.RemovalDelivered(name, containerId, sequence);
        }
        else
        {
            _undelivered.RemovalFailed(name, containerId, sequence);
        }
    }

    /// <summary>The heartbeat: one call to this host's lease, on this silo, however many containers it has.</summary>
    private async Task RenewLeaseAsync(CancellationToken ct)
    {
        var lease = new HostLease(Names(), Lease);
        if (await CallAsync(HostId, () => grains.GetGrain<IHostAgentGrain>(HostId).RenewLeaseAsync(lease), ct).ConfigureAwait(false))
        {
            Interlocked.Exchange(ref _lastHeartbeatTicks, time.GetUtcNow().UtcTicks);
        }
    }

    /// <summary>Tells the directory this host's names when they changed, when <paramref name="force"/>d, and every <see cref="DirectoryRenewal"/>.</summary>
    private async Task RegisterHostAsync(bool force, CancellationToken ct)
    {
        var names = Names();
        bool due;
        lock (_gate)
        {
            due = Due(ref _registerAt, time.GetUtcNow(), DirectoryRenewal) || force || names != _registeredNames;
        }

        if (!due)
        {
            return;
        }

        var registration = new HostRegistration(HostId, options.Value.AdvertiseAddress, names, time.GetUtcNow());
        var registered = await CallAsync(
            IHostDirectoryGrain.Key,
            () => grains.GetGrain<IHostDirectoryGrain>(IHostDirectoryGrain.Key).RegisterAsync(registration, DirectoryRenewal * 3),
            ct).ConfigureAwait(false);
        lock (_gate)
        {
            // A failed registration is tried again at the next reconcile.
            _registeredNames = registered ? names : default;
        }
    }

    private IContainerEndpointGrain Name(string name) => grains.GetGrain<IContainerEndpointGrain>(name);

    private EquatableArray<string> Names() =>
        known.All.SelectMany(endpoint => endpoint.ServiceNames).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToImmutableArray();

    /// <summary>Whether <paramref name="at"/> has come; if so, the next one is <paramref name="interval"/> from now.</summary>
    private static bool Due(ref DateTimeOffset at, DateTimeOffset now, TimeSpan interval)
    {
        if (now < at)
        {
            return false;
        }

        at = now + interval;
        return true;
    }

    /// <summary>
    /// A failed call is logged and kept for the next reconcile to send again (<see cref="UndeliveredReports"/>). A call
    /// is given up after <see cref="DockerAgentOptions.ReportTimeout"/>: one sent to an activation whose silo just died can
    /// wait for Orleans' 30 s response timeout, and the agent's events queue up behind it.
    /// </summary>
    /// <returns>Whether the grain took it.</returns>
    /// <param name="target">The grain's key, for the log.</param>
    /// <param name="call">The call.</param>
    /// <param name="ct">Cancelled when the agent stops.</param>
    private async Task<bool> CallAsync(string target, Func<Task> call, CancellationToken ct)
    {
        try
        {
            await call().WaitAsync(options.Value.ReportTimeout, ct).ConfigureAwait(false);
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            AgentLog.ReportFailed(logger, exception, target);
            return false;
        }
    }
}
