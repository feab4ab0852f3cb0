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
        // Three missed one-second probes, two votes.
        options.ProbeTimeout = TimeSpan.FromSeconds(1);
        options.NumMissedProbesLimit = 3;
        options.NumVotesForDeathDeclaration = 2;
        options.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        // A silo that misses its probes is not suspected while its connection showed activity
        // within the monitoring window (probe cycle × missed probes, ~12 s): a cut-off host's
        // connection stays open with no reset, so that check alone kept it "alive" past 10 s.
        options.EnableConnectionLivenessCheck = false;
    }
}
