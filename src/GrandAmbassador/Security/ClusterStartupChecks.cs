using System.Net;
using GrandAmbassador.Configuration;

namespace GrandAmbassador.Security;

/// <summary>
/// What a clustered host checks before anything starts, so that each problem is one line and exit 2:
/// an advertised address other hosts cannot reach, a Redis it cannot use, and a host id a live silo holds.
/// </summary>
internal static class ClusterStartupChecks
{
    public static async Task CheckAsync(AmbassadorSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Cluster is not { } cluster)
        {
            return;
        }

        var advertise = settings.Host.AdvertiseAddress;
        if (IPAddress.IsLoopback(IPAddress.Parse(advertise)))
        {
            throw new InvalidSettingException(!settings.Host.AdvertiseGiven
                ? "with --cluster, this host needs a network address other hosts can reach, and it has none but loopback: give --advertise ADDR"
                : $"--advertise {advertise}: a loopback address, which other hosts cannot reach; with --cluster, advertise this host's network address");
        }

        // A Redis that is not there yet skips the host id check too: the silo retries until it answers.
        await RedisPreflight.CheckAsync(
            cluster, settings.Security.RedisCaFile, failWhenUnreachable: false, cancellationToken,
            (redis, ct) => HostIdClaim.CheckAsync(redis, settings.ClusterId, settings.Host.HostId, ct)).ConfigureAwait(false);
    }
}
