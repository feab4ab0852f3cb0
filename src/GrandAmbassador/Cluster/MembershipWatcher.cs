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
        var first = true;
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken).ConfigureAwait(false))
            {
                var changed = false;
                foreach (var (silo, member) in snapshot.Members)
                {
                    if (known.TryGetValue(silo, out var before) && before == member.Status)
                    {
                        continue;
                    }

                    known[silo] = member.Status;

                    // The first snapshot is where this process starts from, not a change. After it, a silo
                    // first seen already Active or Dead (its Joining fell between two updates) counts too.
                    if (member.Status is SiloStatus.Active or SiloStatus.Dead && !first)
                    {
                        ClusterLog.MemberChanged(logger, silo.ToString(), member.Status.ToString());
                        changed = true;
                    }
                }

                first = false;
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
