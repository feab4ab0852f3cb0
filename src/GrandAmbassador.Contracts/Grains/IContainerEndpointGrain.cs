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
    /// <paramref name="lease"/>, and goes at once when the <paramref name="reporter"/> silo is
    /// declared dead (its host died or was cut off).
    /// </summary>
    [Alias("Report")]
    Task ReportAsync(ContainerEndpoint endpoint, TimeSpan lease, SiloAddress? reporter = null);

    /// <summary>Removes one container of one host (it was destroyed, or no longer answers to this name).</summary>
    [Alias("Remove")]
    Task RemoveAsync(string hostId, string containerId);

    /// <summary>Removes every endpoint of a host that left the cluster.</summary>
    [Alias("RemoveHost")]
    Task RemoveHostAsync(string hostId);

    [Alias("Get")]
    Task<EndpointSet> GetAsync();

    /// <summary>Subscribes (or renews) an observer and returns the current snapshot.</summary>
    [Alias("Subscribe")]
    Task<EndpointSet> SubscribeAsync(IEndpointObserver observer);

    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(IEndpointObserver observer);
}
