using GrandAmbassador.Ambassador;
using GrandAmbassador.Configuration;
using GrandAmbassador.Contracts.Grains;
using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.Http.Api;

/// <summary>
/// The ports a name would listen on now, from what its grain knows of its containers (the follower's
/// own rule, <see cref="RouteBuilder"/>): what <c>POST /api/names/NAME</c> checks before it answers 201.
/// </summary>
internal sealed class KnownPorts(IGrainFactory grains, AmbassadorSettings settings)
{
    private static readonly TimeSpan CallGuard = TimeSpan.FromSeconds(5);

    /// <returns>The ports; none when no container of the name was seen, or the grain did not answer in time.</returns>
    public async Task<IReadOnlyCollection<ListenPort>> ForAsync(FrontedService service, CancellationToken cancellationToken)
    {
        try
        {
            var snapshot = await grains.GetGrain<IContainerEndpointGrain>(service.Name).GetAsync().WaitAsync(CallGuard, cancellationToken).ConfigureAwait(false);
            var context = new RouteContext(settings.Host.HostId, LocalNetworks.Read(), settings.MaxExposedPorts, settings.PreferIpv6, settings.HostRelay.CrossHost);
            return [.. RouteBuilder.Build(service, snapshot, context, previous: null).Routes.Ports.Select(port => port.Listen)];
        }
        catch (TimeoutException)
        {
            // Its follower finds out: a taken port is then on /readyz, the page and in the log.
            return [];
        }
    }
}
