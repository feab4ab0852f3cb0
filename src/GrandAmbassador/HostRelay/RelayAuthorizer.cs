using System.Collections.Immutable;
using System.Net;
using GrandAmbassador.Ambassador;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Docker.Watching;
using GrandAmbassador.Proxy.HostRelay;

namespace GrandAmbassador.HostRelay;

/// <summary>
/// Why the relay is not an open proxy: a request names a container and a port, and is granted only the addresses this
/// host's own agent reports for that container, running, with that port exposed or published. The request's own words
/// never become an address.
/// </summary>
internal static class RelayAuthorizer
{
    /// <returns>The addresses to dial, best first, or the reason for refusing.</returns>
    public static (ImmutableArray<IPEndPoint> Addresses, string? Refusal) Resolve(RelayRequest request, LocalContainerView view, string hostId, LocalNetworks networks)
    {
        if (!view.Listed)
        {
            return ([], $"the agent of host {hostId} has not listed its containers yet");
        }

        var protocol = request.Protocol == "udp" ? PortProtocol.Udp : PortProtocol.Tcp;
        var port = $"{request.Port}/{request.Protocol}";
        if (view.Find(request.Container) is not { } endpoint)
        {
            return ([], $"host {hostId} reports no container {request.ShortContainer}");
        }

        if (!endpoint.Running)
        {
            return ([], $"container {endpoint.ContainerName} on host {hostId} is not running");
        }

        if (!endpoint.Ports.Any(exposed => exposed.ContainerPort == request.Port && exposed.Protocol == protocol))
        {
            return ([], $"container {endpoint.ContainerName} on host {hostId} neither exposes nor publishes {port}");
        }

        // A container on the host's network listens on the host's own addresses: it is dialled at the one this host
        // advertises, as another host would dial it, never at loopback (which would open the host's loopback-only services).
        var addresses = endpoint.HostNetwork
            ? IPAddress.TryParse(endpoint.AdvertiseAddress, out var advertised) ? [new IPEndPoint(advertised, request.Port)] : []
            : RouteBuilder.LocalAddresses(endpoint, request.Port, protocol, networks, preferIpv6: false);
        return addresses.IsEmpty ? ([], $"container {endpoint.ContainerName} on host {hostId} {RouteBuilder.NoAddressReason}") : (addresses, null);
    }
}
