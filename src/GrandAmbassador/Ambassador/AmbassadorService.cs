using GrandAmbassador.Cluster;
using GrandAmbassador.Configuration;
using GrandAmbassador.DataPlane;
using GrandAmbassador.Proxy.Engine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GrandAmbassador.Ambassador;

/// <summary>
/// Runs one <see cref="ServiceFollower"/> per fronted name for the life of this control-plane
/// generation: for the names the data plane holds at start, and for names added or removed later.
/// </summary>
internal sealed class AmbassadorService(
    FrontedNameRegistry names,
    IGrainFactory grains,
    IOptions<AmbassadorOptions> ambassadorOptions,
    IOptions<ProxyOptions> proxyOptions,
    HostIdentity host,
    ClusterChanges clusterChanges,
    AmbassadorMetrics metrics,
    TimeProvider time,
    ILoggerFactory loggerFactory) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var logger = loggerFactory.CreateLogger("GrandAmbassador.Ambassador");
        var running = new Dictionary<FrontedName, Task>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var current = names.Current;
                foreach (var name in current.Names.Where(name => !running.ContainsKey(name)))
                {
                    var follower = new ServiceFollower(
                        name, grains, host.HostId, ambassadorOptions.Value, proxyOptions.Value.ConnectWait, clusterChanges, time, logger, metrics);
                    running[name] = FollowAsync(follower, name, stoppingToken);
                }

                foreach (var ended in running.Where(pair => pair.Value.IsCompleted).Select(pair => pair.Key).ToList())
                {
                    running.Remove(ended);
                }

                await current.Changed.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await Task.WhenAll(running.Values).ConfigureAwait(false);
        }
    }

    /// <summary>Until this generation stops or the name is removed from the data plane.</summary>
    private static async Task FollowAsync(ServiceFollower follower, FrontedName name, CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, name.Removed);
        await follower.RunAsync(linked.Token).ConfigureAwait(false);
    }
}
