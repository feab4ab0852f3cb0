using System.Collections.Immutable;
using System.Net;
using GrandAmbassador.Configuration;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.Ambassador;

/// <summary>
/// Turns what a grain knows of a name (every container on every host) into what the proxy needs
/// (ports to listen on, and addresses to dial for each). A pure function: all of the policy of
/// "which address of which container" lives here.
/// </summary>
internal static class RouteBuilder
{
    public static RoutePlan Build(FrontedService service, EndpointSet endpoints, RouteContext context, ImmutableArray<ListenPort> previousPorts)
    {
        var running = endpoints.Endpoints.Where(endpoint => endpoint.Running).ToList();
        var ports = PortsToListenOn(service, running, previousPorts);
        var unreachable = ImmutableArray.CreateBuilder<UnreachableEndpoint>();
        var routes = ports.Select(port => new PortRoute(
                new ListenPort(port.Listen, ToTransport(port.Protocol)),
                [.. running
                    .Where(endpoint => endpoint.AcceptsTraffic)
                    .Where(endpoint => service.HasExplicitPorts || Exposes(endpoint, port.Target, port.Protocol))
                    .Select(endpoint => ToDestination(endpoint, port.Target, port.Protocol, context, unreachable))
                    .OfType<Destination>()]))
            .ToImmutableArray();

        return new RoutePlan(
            new ServiceRoutes(service.Name, routes, [.. running.Select(endpoint => endpoint.RunId)]),
            unreachable.ToImmutable());
    }

    /// <summary>
    /// Explicit mappings when given. Otherwise every port a running container exposes; and while
    /// none runs, the ports last seen, so that new connections are held rather than refused.
    /// </summary>
    private static IEnumerable<(int Listen, int Target, PortProtocol Protocol)> PortsToListenOn(
        FrontedService service, IReadOnlyList<ContainerEndpoint> running, ImmutableArray<ListenPort> previousPorts)
    {
        if (service.HasExplicitPorts)
        {
            return service.Ports.Select(mapping => (mapping.ListenPort, mapping.TargetPort, mapping.Protocol));
        }

        if (running.Count == 0)
        {
            return previousPorts.IsDefault
                ? []
                : previousPorts.Select(port => (port.Port, port.Port, ToContract(port.Protocol)));
        }

        return running
            .SelectMany(endpoint => endpoint.Ports)
            .Select(port => (Listen: port.ContainerPort, Target: port.ContainerPort, port.Protocol))
            .Distinct()
            .OrderBy(port => port.Protocol)
            .ThenBy(port => port.Listen);
    }

    private static bool Exposes(ContainerEndpoint endpoint, int port, PortProtocol protocol) =>
        endpoint.Ports.Any(exposed => exposed.ContainerPort == port && exposed.Protocol == protocol);

    private static Destination? ToDestination(
        ContainerEndpoint endpoint, int port, PortProtocol protocol, RouteContext context, ImmutableArray<UnreachableEndpoint>.Builder unreachable)
    {
        var addresses = endpoint.HostId == context.HostId
            ? LocalAddresses(endpoint, port, protocol, context.Networks)
            : RemoteAddresses(endpoint, port, protocol);
        if (addresses.Length > 0)
        {
            return new Destination(endpoint.RunId, addresses);
        }

        unreachable.Add(new UnreachableEndpoint(
            endpoint.HostId,
            endpoint.ContainerName,
            $"{port}/{protocol.ToString().ToLowerInvariant()}",
            endpoint.HostId == context.HostId
                ? "it has no network address"
                : $"it is on host {endpoint.HostId} and publishes no host port for {port}/{protocol.ToString().ToLowerInvariant()} (run it with -p)"));
        return null;
    }

    /// <summary>
    /// Same host: the container's own addresses, those on a network we are attached to first; then
    /// its published ports on this host as a last resort.
    /// </summary>
    private static ImmutableArray<IPEndPoint> LocalAddresses(ContainerEndpoint endpoint, int port, PortProtocol protocol, LocalNetworks networks)
    {
        if (endpoint.HostNetwork)
        {
            return [new IPEndPoint(IPAddress.Loopback, port)];
        }

        var direct = endpoint.Addresses
            .Select(address => IPAddress.TryParse(address.Address, out var ip) ? ip : null)
            .OfType<IPAddress>()
            .OrderByDescending(networks.Contains)
            .Select(ip => new IPEndPoint(ip, port));
        var published = PublishedPorts(endpoint, port, protocol)
            .Select(published => new IPEndPoint(IsAnyAddress(published.HostIp) ? IPAddress.Loopback : IPAddress.Parse(published.HostIp), published.HostPort));
        return [.. direct.Concat(published).Distinct()];
    }

    /// <summary>Another host: only what that host publishes, at the address it advertises.</summary>
    private static ImmutableArray<IPEndPoint> RemoteAddresses(ContainerEndpoint endpoint, int port, PortProtocol protocol) =>
        [.. PublishedPorts(endpoint, port, protocol)
            .Select(published => (Host: IsAnyAddress(published.HostIp) ? endpoint.AdvertiseAddress : published.HostIp, published.HostPort))
            .Select(candidate => IPAddress.TryParse(candidate.Host, out var ip) && !IPAddress.IsLoopback(ip)
                ? new IPEndPoint(ip, candidate.HostPort)
                : null)
            .OfType<IPEndPoint>()
            .Distinct()];

    private static IEnumerable<PublishedPort> PublishedPorts(ContainerEndpoint endpoint, int port, PortProtocol protocol) =>
        endpoint.Ports
            .Where(exposed => exposed.ContainerPort == port && exposed.Protocol == protocol && !exposed.Published.IsDefault)
            .SelectMany(exposed => exposed.Published)
            .Where(published => IPAddress.TryParse(published.HostIp, out _) || string.IsNullOrEmpty(published.HostIp))
            .Select(published => string.IsNullOrEmpty(published.HostIp) ? published with { HostIp = "0.0.0.0" } : published);

    private static bool IsAnyAddress(string hostIp) => hostIp is "0.0.0.0" or "::";

    private static TransportProtocol ToTransport(PortProtocol protocol) =>
        protocol == PortProtocol.Udp ? TransportProtocol.Udp : TransportProtocol.Tcp;

    private static PortProtocol ToContract(TransportProtocol protocol) =>
        protocol == TransportProtocol.Udp ? PortProtocol.Udp : PortProtocol.Tcp;
}
