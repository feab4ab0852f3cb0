using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Contracts.Grains;

/// <summary>
/// The endpoints of one name, across every host. Keyed by the name. Agents report on a lease
/// (a reactivated grain starts empty and is refilled by the next report); ambassadors subscribe.
/// </summary>
[Alias("ga.IContainerEndpointGrain")]
public interface IContainerEndpointGrain : IGrainWithStringKey
{
    /// <summary>
    /// Adds or replaces one container's endpoint; it expires unless reported again within
    /// <paramref name="lease"/> (<see cref="Timeout.InfiniteTimeSpan"/>: held by its host's lease instead, see
    /// <see cref="HostLeaseAsync"/>), and leaves the snapshot when the <paramref name="reporter"/> silo is
    /// declared dead (its host died or was cut off). A report whose
    /// <see cref="ContainerEndpoint.Sequence"/> is below the last one seen for that container
    /// (reported or removed) is ignored: it is older news.
    /// </summary>
    [Alias("Report"), SilosOnly]
    Task ReportAsync(ContainerEndpoint endpoint, TimeSpan lease, SiloAddress? reporter = null);

    /// <summary>
    /// Removes one container of one host (it was destroyed, or no longer answers to this name), and
    /// remembers it in <see cref="EndpointSet.Gone"/> for a while: subscribers close its connections.
    /// <paramref name="sequence"/> is the agent's own sequence at the removal (0: unordered); a later
    /// report with a lower one does not bring the container back.
    /// </summary>
    [Alias("Remove"), SilosOnly]
    Task RemoveAsync(string hostId, string containerId, long sequence = 0);

    /// <summary>
    /// The lease of <paramref name="hostId"/> lapsed (<paramref name="fresh"/> false: its endpoints get no new
    /// connections, and nothing is tombstoned, so open connections stay) or was renewed after a lapse (true). Sent
    /// by the host's <see cref="IHostAgentGrain"/>.
    /// </summary>
    [Alias("HostLease"), SilosOnly]
    Task HostLeaseAsync(string hostId, bool fresh);

    /// <summary>
    /// One ambassador's proxy applied a snapshot of this name: what its routes now dial. Replaces what
    /// that host said before; what <see cref="GetDrainConfirmationsAsync"/> answers from.
    /// </summary>
    [Alias("Applied"), SilosOnly]
    Task AppliedAsync(RoutesApplied applied);

    /// <summary>Which ambassadors confirmed that they no longer dial <paramref name="container"/> for new connections.</summary>
    [Alias("GetDrainConfirmations")]
    Task<DrainConfirmations> GetDrainConfirmationsAsync(ContainerKey container);

    [Alias("Get")]
    Task<EndpointSet> GetAsync();

    /// <summary>Subscribes (or renews) an observer and returns the current snapshot.</summary>
    [Alias("Subscribe")]
    Task<EndpointSet> SubscribeAsync(IEndpointObserver observer);

    /// <summary>
    /// Renews an observer as <see cref="SubscribeAsync"/> does, and returns the current snapshot only if
    /// it is not the one the subscriber holds (<paramref name="epoch"/>, <paramref name="version"/>):
    /// <c>null</c> means "not modified". Every change is pushed to observers already, so at rest a
    /// renewal carries no snapshot. Another activation (the grain moved) has another epoch, so its
    /// reply is always the whole snapshot.
    /// </summary>
    [Alias("Renew")]
    Task<EndpointSet?> RenewAsync(IEndpointObserver observer, Guid epoch, long version);

    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(IEndpointObserver observer);
}
