using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Cluster;

/// <summary>Reads Orleans' membership updates and turns deaths and joins into <see cref="ClusterChanges"/>.</summary>
internal sealed class MembershipWatcher(
    IClusterMembershipService membership,
    ClusterChanges changes,
    ILogger<MembershipWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var known = new Dictionary<SiloAddress, SiloStatus>();
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken).ConfigureAwait(false))
            {
                var changed = false;
                foreach (var (silo, member) in snapshot.Members)
                {
                    var wasKnown = known.TryGetValue(silo, out var before);
                    if (wasKnown && before == member.Status)
                    {
                        continue;
                    }

                    known[silo] = member.Status;
                    if (member.Status is SiloStatus.Active or SiloStatus.Dead && wasKnown)
                    {
                        ClusterLog.MemberChanged(logger, silo.ToString(), member.Status.ToString());
                        changed = true;
                    }
                }

                if (changed)
                {
                    changes.Signal();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
