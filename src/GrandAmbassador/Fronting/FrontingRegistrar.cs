using GrandAmbassador.Cluster;
using GrandAmbassador.Configuration;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;
using GrandAmbassador.DataPlane;
using GrandAmbassador.Proxy.ProxyProtocol;
using GrandAmbassador.Proxy.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Fronting;

/// <summary>
/// Tells the cluster's <see cref="IHostDirectoryGrain"/> which names this ambassador fronts and on which
/// ports it listens, so that <c>status</c> and every ambassador's page can say "fronted by host-c (8080/tcp)".
/// Registers at once when a name is added or removed or a listener opens or closes (each proxy publishes
/// what it serves with a change token), and every <see cref="Renewal"/> to keep its lease; when the control plane stops (unless its silo was
/// declared dead) it registers nothing, so that a stopped ambassador leaves the list at once rather than a
/// lease later.
/// </summary>
internal sealed class FrontingRegistrar(
    FrontedNameRegistry names,
    IGrainFactory grains,
    HostIdentity host,
    ControlPlaneGeneration generation,
    TimeProvider time,
    ILogger<FrontingRegistrar> logger) : BackgroundService
{
    /// <summary>Three renewals: two can be lost before the registration expires (as the agent's).</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Renewal = TimeSpan.FromSeconds(10);

    // Set once a registration went through: only then is there anything to take back at stop.
    private volatile bool _registered;

    private IHostDirectoryGrain Directory => grains.GetGrain<IHostDirectoryGrain>(IHostDirectoryGrain.Key);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        EquatableArray<FrontedNameListeners>? registered = null;
        var renewAt = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            var current = names.Current;
            // Taken before the names are described: a change in between completes one of them, and is described next time round.
            var changes = current.Names.Select(name => name.Proxy.State.Changed).Prepend(current.Changed).ToList();
            var fronted = Describe(current.Names);
            var now = time.GetUtcNow();
            if (registered != fronted || now >= renewAt)
            {
                // A failed registration is retried at the next renewal, or sooner if what is fronted changes.
                await RegisterAsync(fronted, stoppingToken).ConfigureAwait(false);
                registered = fronted;
                renewAt = now + Renewal;
            }

            using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var renewal = Task.Delay(renewAt - now, time, wake.Token);
            await Task.WhenAny(changes.Append(renewal)).ConfigureAwait(false);
            await wake.CancelAsync().ConfigureAwait(false); // the renewal's timer goes with it when a change came first
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

    /// <summary>Each fronted name with the ports its proxy listens on now, in a stable order.</summary>
    internal static EquatableArray<FrontedNameListeners> Describe(IEnumerable<FrontedName> fronted) =>
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
                name.Proxy.Access.Policy.Describe())),
    ];

    private static FrontedListener Listener(ListenPort port, int bound) =>
        new(bound, port.Protocol.ToContract());

    private async Task RegisterAsync(EquatableArray<FrontedNameListeners> fronted, CancellationToken cancellationToken)
    {
        try
        {
            var registration = new FrontingRegistration(host.HostId, fronted, time.GetUtcNow());
            await Directory.RegisterFrontingAsync(registration, Lease).WaitAsync(cancellationToken).ConfigureAwait(false);
            _registered = true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            FrontingLog.RegisterFailed(logger, exception.Message);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the lease ends the registration instead.
        }
    }
}
