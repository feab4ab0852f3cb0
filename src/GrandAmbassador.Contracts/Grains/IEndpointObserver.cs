using Orleans.Concurrency;
using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Contracts.Grains;

/// <summary>Told of every change to a name's endpoints. Not durable: subscribers renew on a timer.</summary>
[Alias("ga.IEndpointObserver")]
public interface IEndpointObserver : IGrainObserver
{
    [OneWay, Alias("EndpointsChanged")]
    Task OnEndpointsChanged(EndpointSet endpoints);
}
