using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Contracts.Grains;

/// <summary>
/// Reaches one host's Docker agent from anywhere in the cluster (keyed by the host id): the host's
/// silo registers its agent here, and <c>drain</c> (command line or HTTP) asks it through here. It also holds the
/// host's lease (<see cref="RenewLeaseAsync"/>).
/// </summary>
[Alias("ga.IHostAgentGrain")]
public interface IHostAgentGrain : IGrainWithStringKey
{
    /// <summary>
    /// The agent of this host, renewed by its silo; replaces the one before. Interleaved, so that it reaches a
    /// new activation while a drain waits there for it.
    /// </summary>
    [Alias("RegisterAgent"), SilosOnly, Orleans.Concurrency.AlwaysInterleave]
    Task RegisterAgentAsync(IAgentControl agent);

    /// <summary>
    /// The host's agent vouches for its endpoints for <see cref="HostLease.Duration"/>: the lease's one heartbeat.
    /// When it lapses, every grain of the lease's names is told to give the host's endpoints no new connections
    /// (never to close open ones), and told again when a later heartbeat renews it.
    /// </summary>
    [Alias("RenewLease"), SilosOnly]
    Task RenewLeaseAsync(HostLease lease);

    /// <summary>
    /// Has the host's agent mark <paramref name="container"/> drained (or no longer). Open to clients on
    /// purpose, like <c>status</c>: an operator's command; in a TLS cluster only a holder of a
    /// certificate from the cluster's CA reaches it.
    /// </summary>
    [Alias("SetDrained")]
    Task<DrainMark> SetDrainedAsync(string container, bool drained);
}
