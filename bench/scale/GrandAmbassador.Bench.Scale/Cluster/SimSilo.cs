using GrandAmbassador.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.TestingHost;

namespace GrandAmbassador.Bench.Scale.Cluster;

/// <summary>
/// One silo of the simulated cluster, as the hosts attached to it see it: its grain factory (calls go out through its
/// hosted client, as the product's agent and followers do), its address, and the product's own membership watcher,
/// which tells the hosts' re-reports and re-subscriptions that membership changed.
/// </summary>
internal sealed class SimSilo
{
    private readonly MembershipWatcher _watcher;

    public SimSilo(InProcessSiloHandle handle, ILoggerFactory loggers)
    {
        Handle = handle;
        var services = handle.ServiceProvider;
        Grains = services.GetRequiredService<IGrainFactory>();
        Details = services.GetRequiredService<ILocalSiloDetails>();
        _watcher = new MembershipWatcher(services.GetRequiredService<IClusterMembershipService>(), Changes, loggers.CreateLogger<MembershipWatcher>());
    }

    public InProcessSiloHandle Handle { get; }

    public IGrainFactory Grains { get; }

    public ILocalSiloDetails Details { get; }

    public ClusterChanges Changes { get; } = new();

    public Task StartAsync(CancellationToken cancellationToken) => _watcher.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => _watcher.StopAsync(cancellationToken);
}
