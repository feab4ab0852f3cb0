using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Docker;

/// <summary>
/// Where the agent sends what it sees; the host implements it (by telling the Orleans grains).
/// Calls come one at a time, in the order the agent learnt things, never concurrently.
/// </summary>
public interface IContainerEndpointSink
{
    /// <summary>
    /// One container's current state (running or not). Its <see cref="ContainerEndpoint.ServiceNames"/>
    /// may differ from what was reported before (rename, label change): the sink handles it.
    /// </summary>
    Task ReportAsync(ContainerEndpoint endpoint, CancellationToken ct);

    /// <summary>The container no longer exists on this host.</summary>
    Task RemoveAsync(string containerId, CancellationToken ct);

    /// <summary>
    /// The complete current set of this host's containers, after every list (at start, after a
    /// reconnect, and every <see cref="DockerAgentOptions.ReconcileInterval"/>). Each one in it
    /// counts as reported; anything this host reported before and not in the set is gone.
    /// </summary>
    Task ReconcileAsync(IReadOnlyCollection<ContainerEndpoint> all, CancellationToken ct);
}
