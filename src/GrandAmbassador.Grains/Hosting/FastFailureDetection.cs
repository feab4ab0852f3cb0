using Orleans.Configuration;

namespace GrandAmbassador.Grains.Hosting;

/// <summary>
/// Membership settings under which a dead or cut-off host is declared dead in a few seconds
/// rather than Orleans' default of about a minute: a host's endpoints must leave every ambassador
/// within 10 seconds. Probes are cheap at the cluster sizes an ambassador runs at.
/// </summary>
public static class FastFailureDetection
{
    public static void Apply(ClusterMembershipOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Three missed one-second probes, two votes: about 3-5 s from a kill to "dead".
        options.ProbeTimeout = TimeSpan.FromSeconds(1);
        options.NumMissedProbesLimit = 3;
        options.NumVotesForDeathDeclaration = 2;
        // A host that comes back rejoins under a new generation; keep the table tidy meanwhile.
        options.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
    }
}
