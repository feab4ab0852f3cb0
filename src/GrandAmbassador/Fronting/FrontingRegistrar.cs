using GrandAmbassador.Cluster;
using GrandAmbassador.Configuration;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;
using GrandAmbassador.DataPlane;
using GrandAmbassador.Proxy.Engine;
using GrandAmbassador.Proxy.ProxyProtocol;
using GrandAmbassador.Proxy.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Fronting;

/// <summary>
/// Tells the cluster's <see cref="IHostDirectoryGrain"/> which names this ambassador fronts, on which
/// ports it listens and how it reaches each container's port, so that <c>status</c> and every ambassador's page
/// can say "fronted by host-c (8080/tcp)" and "from host-c: relay through host a (…)". <c>status</c> is another
/// process: what this registration says is all it can know of this ambassador's routes and relay failures.
/// Registers at once when a name is added or removed, a listener opens or closes or routes are applied (each
/// proxy and name publishes what it serves with a change token), soon after a relay starts failing or is reached
/// again, and soon after every membership change: the directory is in memory, so it comes back empty when its
/// silo dies, and a drain reads its fronting list to know whose confirmation to wait for. Otherwise nothing
/// changes, and it only renews its lease, rarely (<see cref="Renewal"/>). When the control plane stops (unless
/// its silo was declared dead) it registers nothing, so that a stopped ambassador leaves the list at once
/// rather than a lease later.
/// </summary>
internal sealed class FrontingRegistrar(
    FrontedNameRegistry names,
    IGrainFactory grains,
    HostIdentity host,
    ControlPlaneGeneration generation,
    RelayHealth relays,
    ClusterChanges clusterChanges,
    TimeProvider time,
    ILogger<FrontingRegistrar> logger) : BackgroundService
{
    /// <summary>Three renewals: two can be lost before the registration expires.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(6);

    /// <summary>
    /// Rare: every change is registered at once, and a directory that lost its state (its silo died) is
    /// registered with again at the membership change; the renewal only keeps the lease.
    /// </summary>
    public static readonly TimeSpan Renewal = TimeSpan.FromMinutes(2);

    /// <summary>After a failed registration: sooner than a renewal, since the directory may not list this ambassador at all.</summary>
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(10);

    /// <summary>
    /// One call's bound: a directory on a silo that just died would hold it for Orleans' 30 s response timeout,
    /// and the registration that the membership change calls for would wait behind it.
    /// </summary>
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    // Relays can fail and recover at the pace of held connections' retries (many a second): registered at most this often for them.
    private static readonly TimeSpan RelayPace = TimeSpan.FromSeconds(1);

    // Set once a registration went through: only then is there anything to take back at stop.
    private volatile bool _registered;

    private IHostDirectoryGrain Directory => grains.GetGrain<IHostDirectoryGrain>(IHostDirectoryGrain.Key);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        EquatableArray<FrontedNameListeners>? registered = null;
        var renewAt = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            // Read before registering: a change during the call registers again.
            var membershipChanged = clusterChanges.Next;
            var current = names.Current;
            // Taken before the names are described: a change in between completes one of them, and is described next time round.
            var changes = current.Names
                .SelectMany(name => new[] { name.Proxy.State.Changed, name.AppliedChanged })
                .Prepend(current.Changed)
                .ToList();
            var relaysChanged = relays.Changed;
            var fronted = Describe(current.Names, host.HostId, relays);
            var now = time.GetUtcNow();
            if (registered != fronted || now >= renewAt)
            {
                // A failed registration is retried after a short while, or sooner if what is fronted changes.
                var done = await RegisterAsync(fronted, stoppingToken).ConfigureAwait(false);
                registered = fronted;
                renewAt = now + (done ? Renewal : RetryAfterFailure);
            }

            using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var renewal = Task.Delay(renewAt - now, time, wake.Token);
            var woke = await Task.WhenAny(changes.Append(renewal).Append(relaysChanged).Append(membershipChanged)).ConfigureAwait(false);
            await wake.CancelAsync().ConfigureAwait(false); // the renewal's timer goes with it when a change came first
            if (woke == relaysChanged)
            {
                await PaceAsync(RelayPace, stoppingToken).ConfigureAwait(false);
            }
            else if (woke == membershipChanged)
            {
                // The directory may have come back empty on another silo: registered again, whatever changed here.
                renewAt = DateTimeOffset.MinValue;
                await PaceAsync(SettleAfterChange(), stoppingToken).ConfigureAwait(false);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (generation.DeclaredDead.IsCompleted || !_registered)
        {
            // A silo the cluster declared dead cannot call it (the next generation registers at once);
            // a generation whose silo never started (Redis down) has nothing registered, and its call
            // would only fill the log with Orleans' placement retries.
            return;
        }

        using var guard = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        guard.CancelAfter(TimeSpan.FromSeconds(2));
        await RegisterAsync([], guard.Token).ConfigureAwait(false);
    }

    /// <summary>Each fronted name with the ports its proxy listens on now and how its applied plan reaches its containers, in a stable order.</summary>
    internal static EquatableArray<FrontedNameListeners> Describe(IEnumerable<FrontedName> fronted, string hostId, RelayHealth relays) =>
    [
        .. fronted
            .OrderBy(name => name.Name, StringComparer.Ordinal)
            .Select(name => new FrontedNameListeners(
                name.Name,
                [
                    .. name.Proxy.State.Listening
                        .Select(bound => Listener(bound.Port, bound.LocalEndPoint.Port))
                        .OrderBy(listener => listener.Port)
                        .ThenBy(listener => listener.Protocol),
                ],
                name.Proxy.ProxyProtocol == ProxyProtocolVersion.None ? null : ProxyProtocolVersions.Name(name.Proxy.ProxyProtocol),
                name.Proxy.AcceptProxy,
                name.Proxy.Access.Policy.Describe(),
                AppliedReach.Of(name.Applied.Plan, hostId, relays))),
    ];

    /// <summary>
    /// A short random pause after a membership change: every ambassador hears of it at once, and Orleans on
    /// this silo drops its cached locations on the dead silo in the same instant; registering a moment later
    /// spreads the calls and finds the directory's new activation (as the followers do).
    /// </summary>
    private static TimeSpan SettleAfterChange() => TimeSpan.FromMilliseconds(Random.Shared.Next(100, 500));

    /// <summary>
    /// Waits out <paramref name="pause"/>: <see cref="RelayPace"/> after a relay's change, so that a relay that
    /// flaps costs one registration a second at most, or the settling pause after a membership change.
    /// </summary>
    private async Task PaceAsync(TimeSpan pause, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(pause, time, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the loop ends.
        }
    }

    private static FrontedListener Listener(ListenPort port, int bound) =>
        new(bound, port.Protocol.ToContract());

    /// <returns>Whether the directory has it.</returns>
    private async Task<bool> RegisterAsync(EquatableArray<FrontedNameListeners> fronted, CancellationToken cancellationToken)
    {
        try
        {
            var registration = new FrontingRegistration(host.HostId, fronted, time.GetUtcNow());
            await Directory.RegisterFrontingAsync(registration, Lease).WaitAsync(CallTimeout, time, cancellationToken).ConfigureAwait(false);
            _registered = true;
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            FrontingLog.RegisterFailed(logger, exception.Message, RetryAfterFailure.TotalSeconds);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the lease ends the registration instead.
        }

        return false;
    }
}
