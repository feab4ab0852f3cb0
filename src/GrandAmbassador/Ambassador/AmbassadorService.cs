using GrandAmbassador.Cluster;
using GrandAmbassador.Configuration;
using GrandAmbassador.DataPlane;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GrandAmbassador.Ambassador;

/// <summary>
/// Runs one <see cref="NameFollower"/> per fronted name for the life of this control-plane
/// generation: for the names the data plane holds at start, and for names added or removed later.
/// </summary>
internal sealed class AmbassadorService(
    FrontedNameRegistry names,
    IGrainFactory grains,
    IOptions<FollowerOptions> ambassadorOptions,
    AmbassadorSettings settings,
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
                    // --wait, which the data plane's proxies enforce; the follower only names it in its "waiting for a container" line.
                    var follower = new NameFollower(
                        name, grains, settings.Host.HostId, ambassadorOptions.Value, settings.Wait, clusterChanges, time, logger, metrics);
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
    private static async Task FollowAsync(NameFollower follower, FrontedName name, CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, name.Removed);
        await follower.RunAsync(linked.Token).ConfigureAwait(false);
    }
}
