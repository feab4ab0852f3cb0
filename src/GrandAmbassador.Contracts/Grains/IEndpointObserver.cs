using Orleans.Concurrency;
using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Contracts.Grains;

/// <summary>Told of every change to a name's endpoints. Not durable: subscribers renew on a timer.</summary>
[Alias("ga.IEndpointObserver")]
public interface IEndpointObserver : IGrainObserver
{
    /// <summary>
    /// What changed since the grain's previous snapshot: applied to the snapshot held when that is the one it goes
    /// from; otherwise the subscriber has missed something and asks the grain for the whole snapshot.
    /// </summary>
    [OneWay, Alias("EndpointsDelta")]
    Task OnEndpointsDelta(EndpointDelta delta);
}
