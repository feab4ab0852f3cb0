using GrandAmbassador.Cluster;
using GrandAmbassador.Configuration;
using GrandAmbassador.Proxy.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GrandAmbassador.Ambassador;

/// <summary>Runs one <see cref="ServiceFollower"/> per fronted name for the life of the process.</summary>
internal sealed class AmbassadorService(
    IGrainFactory grains,
    IOptions<AmbassadorOptions> ambassadorOptions,
    IOptions<ProxyOptions> proxyOptions,
    ServiceProxyFactory proxies,
    IOptions<HostIdentityOptions> hostIdentity,
    ClusterChanges clusterChanges,
    TimeProvider time,
    ILoggerFactory loggerFactory) : BackgroundService
{
    private readonly List<ServiceFollower> _followers = [];

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger("GrandAmbassador.Ambassador");
        foreach (var service in ambassadorOptions.Value.Services)
        {
            var proxy = proxies.Create(service.Name);
            var follower = new ServiceFollower(
                service, proxy, grains, hostIdentity.Value.HostId, ambassadorOptions.Value, proxyOptions.Value.ConnectWait, clusterChanges, time, logger);
            _followers.Add(follower);
            await follower.BindExplicitPortsAsync(cancellationToken).ConfigureAwait(false);
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        foreach (var follower in _followers)
        {
            await follower.DisposeAsync().ConfigureAwait(false);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_followers.Select(follower => follower.RunAsync(stoppingToken)));
}
