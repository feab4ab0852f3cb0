using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Docker;

/// <summary>
/// Where the agent sends what it sees; the host implements it (by telling the Orleans grains).
/// The agent itself makes one call at a time, in the order it learnt things, but an implementation
/// may also be called by the host (re-reporting after a cluster change) concurrently with the
/// agent. Every report and removal carries the agent's sequence
/// (<see cref="ContainerEndpoint.Sequence"/>): an implementation passes it on, so that whatever
/// receives the calls can drop one that arrives after a newer one.
/// </summary>
public interface IContainerEndpointSink
{
    /// <summary>
    /// One container's current state (running or not). Its <see cref="ContainerEndpoint.ServiceNames"/>
    /// may differ from what was reported before (rename, label change): the sink handles it.
    /// </summary>
    Task ReportAsync(ContainerEndpoint endpoint, CancellationToken ct);

    /// <summary>The container no longer exists on this host, as of the agent's <paramref name="sequence"/>.</summary>
    Task RemoveAsync(string containerId, long sequence, CancellationToken ct);

    /// <summary>
    /// The complete current set of this host's containers, after every list (at start, after a
    /// reconnect, and every <see cref="DockerAgentOptions.ReconcileInterval"/>), and the last known
    /// set, flagged <see cref="ContainerEndpoint.Stale"/>, while the engine is away. Each one in it
    /// counts as reported; anything this host reported before and not in the set is gone, as of
    /// <paramref name="sequence"/>.
    /// </summary>
    Task ReconcileAsync(IReadOnlyCollection<ContainerEndpoint> all, long sequence, CancellationToken ct);
}
