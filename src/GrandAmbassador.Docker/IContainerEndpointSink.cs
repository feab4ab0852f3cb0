using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Docker;

/// <summary>
/// Where the agent sends what it sees; the host implements it (by telling the Orleans grains).
/// The agent itself makes one call at a time, in the order it learnt things, but an implementation
/// may also be called by the host (re-reporting after a cluster change) concurrently with the
/// agent. Every report and removal carries the agent's sequence
/// (<see cref="ContainerEndpoint.Sequence"/>): an implementation passes it on, so that whatever
/// receives the calls can drop one that arrives after a newer one.
/// The agent remembers what it last reported of each container and passes what a call needs from that
/// memory (the previous report, the containers a list no longer has), so an implementation keeps no
/// second memory of reports that could disagree with the agent's.
/// </summary>
public interface IContainerEndpointSink
{
    /// <summary>One container's current state (running or not).</summary>
    /// <param name="report">The state now, with what was last reported for the container: its
    /// <see cref="ContainerEndpoint.ServiceNames"/> may differ (rename, label change), and the names it left
    /// are <see cref="ContainerReport.LeftNames"/>.</param>
    /// <param name="ct">Cancelled when the agent stops.</param>
    Task ReportAsync(ContainerReport report, CancellationToken ct);

    /// <summary>The container no longer exists on this host.</summary>
    /// <param name="containerId">Its id: the engine said so of this id, whether or not the agent ever reported it.</param>
    /// <param name="last">What the agent last reported for it (whose names it leaves), or <c>null</c> when the agent
    /// never reported it (created and removed between two looks, or removed while the agent was away).</param>
    /// <param name="sequence">The agent's sequence of the removal.</param>
    /// <param name="ct">Cancelled when the agent stops.</param>
    Task RemoveAsync(string containerId, ContainerEndpoint? last, long sequence, CancellationToken ct);

    /// <summary>
    /// The complete current set of this host's containers, after every list (at start, after a
    /// reconnect, and every <see cref="DockerAgentOptions.ReconcileInterval"/>), and the last known
    /// set, flagged <see cref="ContainerEndpoint.Stale"/>, while the engine is away. Each call is also the agent
    /// vouching for the whole set until the next one: an implementation may send only what changed
    /// (<see cref="ContainerReport.Changed"/>) and renew one lease for the rest; the agent stops calling when it
    /// stops vouching (its engine away past <see cref="DockerAgentOptions.StaleEndpointLifetime"/>).
    /// </summary>
    /// <param name="all">Every container of the set, each with what was last reported for it; each counts as reported.</param>
    /// <param name="gone">What was last reported of each container this host reported before and that the set no
    /// longer has: gone, as of <paramref name="sequence"/>. Empty while the engine is away (nothing is known gone then).</param>
    /// <param name="sequence">The agent's sequence of the list, after that of every endpoint in <paramref name="all"/>.</param>
    /// <param name="ct">Cancelled when the agent stops.</param>
    Task ReconcileAsync(IReadOnlyCollection<ContainerReport> all, IReadOnlyCollection<ContainerEndpoint> gone, long sequence, CancellationToken ct);
}
