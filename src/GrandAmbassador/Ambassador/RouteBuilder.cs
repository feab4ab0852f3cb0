using System.Collections.Immutable;
using System.Net;
using GrandAmbassador.Configuration;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.DataPlane;
using GrandAmbassador.Proxy.ProxyProtocol;
using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.Ambassador;

/// <summary>
/// Turns what a grain knows of a name (every container on every host) into what the proxy needs
/// (ports to listen on, and addresses to dial for each). A pure function: all of the policy of
/// "which address of which container" lives here.
/// </summary>
internal static class RouteBuilder
{
    /// <summary>Why a container on this host cannot be dialled at all; <c>status</c> says the same.</summary>
    public const string NoAddressReason = "it has no network address (its network is none, or rootless Podman gives it none) and publishes nothing";

    /// <summary>Whether ambassadors on other hosts can reach the container's ports (TCP and UDP) through its host's relay: what <c>status</c> says.</summary>
    public static bool HasRelay(ContainerEndpoint endpoint) => RelayAddress(endpoint) is not null;

    /// <summary>Builds the routes for <paramref name="endpoints"/>.</summary>
    /// <param name="previous">The plan last applied (null at first): its ports are kept while no
    /// container runs, and the endpoints it routed and retained are carried on as described in
    /// <see cref="Carry"/>.</param>
    public static RoutePlan Build(FrontedService service, EndpointSet endpoints, RouteContext context, RoutePlan? previous)
    {
        var (routed, retained) = Carry(endpoints, previous);
        var wanted = PortsToListenOn(service, routed, previous?.Listening ?? []).ToList();
        var ports = service.HasExplicitPorts ? wanted : wanted.Take(context.MaxExposedPorts).ToList();
        var leftOut = ports.Count < wanted.Count ? LeftOut(routed, ports, context.MaxExposedPorts) : [];
        var unreachable = ImmutableArray.CreateBuilder<UnreachableEndpoint>();
        var routes = ports.Select(port => new PortRoute(
                new ListenPort(port.Listen, port.Protocol.ToTransport()),
                [.. routed
                    .Where(endpoint => endpoint.AcceptsTraffic)
                    .Where(endpoint => service.HasExplicitPorts || Exposes(endpoint, port.Target, port.Protocol))
                    .Select(endpoint => ToDestination(service, endpoint, port.Target, port.Protocol, context, unreachable))
                    .OfType<Destination>()]))
            .ToImmutableArray();

        return new RoutePlan(
            new ServiceRoutes(service.Name, routes, [.. retained.Select(endpoint => endpoint.RunId)]),
            unreachable.ToImmutable(),
            routed,
            retained,
            leftOut,
            [.. ports]);
    }

    /// <summary>The containers that expose ports beyond the cap, each with how many of its ports got no listener.</summary>
    private static ImmutableArray<PortsLeftOut> LeftOut(
        ImmutableArray<ContainerEndpoint> routed, List<PlannedPort> listening, int cap)
    {
        var open = listening.Select(port => (port.Listen, port.Protocol)).ToHashSet();
        return [.. routed
            .Where(endpoint => endpoint.Running)
            .Select(endpoint => new PortsLeftOut(
                endpoint.HostId,
                endpoint.ContainerName,
                endpoint.Ports.Count(port => !open.Contains((port.ContainerPort, port.Protocol))),
                cap))
            .Where(left => left.Count > 0)
            .Distinct()];
    }

    /// <summary>
    /// Only evidence closes a connection (docs/architecture.md#only-evidence-closes-a-connection):
    /// retained = the previous plan's retained endpoints + the snapshot's running ones − those known
    /// gone (in <see cref="EndpointSet.Gone"/>, or the same container of the same host not running or
    /// as a later run); one merely missing stays retained. New connections go to the snapshot's running
    /// endpoints, and also to the previously routed missing ones while the snapshot is incomplete: an
    /// incomplete snapshot adds routes but removes none.
    /// </summary>
    private static (ImmutableArray<ContainerEndpoint> Routed, ImmutableArray<ContainerEndpoint> Retained) Carry(EndpointSet snapshot, RoutePlan? previous)
    {
        var current = snapshot.Endpoints.Items.ToDictionary(endpoint => (endpoint.HostId, endpoint.ContainerId));
        var running = snapshot.Endpoints.Where(endpoint => endpoint.Running).ToList();
        if (previous is null)
        {
            return ([.. running], [.. running]);
        }

        bool Missing(ContainerEndpoint endpoint) =>
            !current.ContainsKey((endpoint.HostId, endpoint.ContainerId)) && !snapshot.IsGone(endpoint.HostId, endpoint.ContainerId);

        bool KnownGone(ContainerEndpoint endpoint) =>
            current.TryGetValue((endpoint.HostId, endpoint.ContainerId), out var now)
                ? !now.Running || now.RunId != endpoint.RunId
                : snapshot.IsGone(endpoint.HostId, endpoint.ContainerId);

        var routed = snapshot.Complete ? running : [.. running, .. previous.Routed.Where(Missing)];
        var retained = running
            .Concat(previous.Retained.Where(endpoint => !KnownGone(endpoint)))
            .DistinctBy(endpoint => endpoint.RunId);
        return ([.. routed], [.. retained]);
    }

    /// <summary>
    /// Explicit mappings when given. Otherwise every port a running container exposes, lowest first
    /// (the caller keeps the first <see cref="RouteContext.MaxExposedPorts"/>); and while none runs,
    /// the ports last seen, so that new connections are held rather than refused.
    /// </summary>
    private static IEnumerable<PlannedPort> PortsToListenOn(
        FrontedService service, ImmutableArray<ContainerEndpoint> running, ImmutableArray<PlannedPort> previousPorts)
    {
        if (service.HasExplicitPorts)
        {
            return service.Ports.Select(mapping => new PlannedPort(mapping.Port, mapping.TargetPort, mapping.Protocol));
        }

        if (running.Length == 0)
        {
            return previousPorts;
        }

        return running
            .SelectMany(endpoint => endpoint.Ports)
            .Select(port => new PlannedPort(port.ContainerPort, port.ContainerPort, port.Protocol))
            .Distinct()
            .OrderBy(port => port.Protocol)
            .ThenBy(port => port.Listen);
    }

    private static bool Exposes(ContainerEndpoint endpoint, int port, PortProtocol protocol) =>
        endpoint.Ports.Any(exposed => exposed.ContainerPort == port && exposed.Protocol == protocol);

    private static Destination? ToDestination(
        FrontedService service, ContainerEndpoint endpoint, int port, PortProtocol protocol, RouteContext context, ImmutableArray<UnreachableEndpoint>.Builder unreachable)
    {
        // The label is the container's own: it holds for its connections whichever name reaches it.
        ProxyProtocolVersions.TryParse(endpoint.ProxyProtocol, out var proxyProtocol);
        var portText = $"{port}/{protocol.ToString().ToLowerInvariant()}";
        if (endpoint.HostId == context.HostId)
        {
            var local = LocalAddresses(endpoint, port, protocol, context.Networks, context.PreferIpv6);
            if (local.Length > 0)
            {
                return new Destination(endpoint.RunId, local, proxyProtocol);
            }

            unreachable.Add(new UnreachableEndpoint(endpoint.HostId, endpoint.ContainerName, portText, NoAddressReason));
            return null;
        }

        var published = context.CrossHost == CrossHostRoute.Relay ? [] : RemoteAddresses(endpoint, port, protocol);
        if (published.Length > 0)
        {
            return new Destination(endpoint.RunId, published, proxyProtocol);
        }

        if (context.CrossHost != CrossHostRoute.Published && RelayAddress(endpoint) is { } relay)
        {
            return new Destination(endpoint.RunId, [relay], proxyProtocol, new RelayHop(endpoint.HostId, service.Name, endpoint.ContainerId, port));
        }

        unreachable.Add(new UnreachableEndpoint(endpoint.HostId, endpoint.ContainerName, portText, CrossHostReason(endpoint, portText, context.CrossHost)));
        return null;
    }

    /// <summary>Why a container on another host has no route, in the words of what would give it one.</summary>
    private static string CrossHostReason(ContainerEndpoint endpoint, string port, CrossHostRoute route) => route switch
    {
        CrossHostRoute.Published => $"it is on host {endpoint.HostId} and publishes no host port for {port} (run it with -p, or use --cross-host auto)",
        CrossHostRoute.Relay => $"it is on host {endpoint.HostId}, whose agent runs no relay (it needs cluster TLS or --relay-insecure)",
        _ => $"it is on host {endpoint.HostId}, publishes no host port for {port}, and that host runs no relay (run it with -p, or give that host cluster TLS or --relay-insecure)",
    };

    /// <summary>The container's host's relay, at the address that host advertises (TCP and UDP ports alike); null when it runs none.</summary>
    private static IPEndPoint? RelayAddress(ContainerEndpoint endpoint) =>
        endpoint.RelayPort > 0 && IPAddress.TryParse(endpoint.AdvertiseAddress, out var host) && !IPAddress.IsLoopback(host)
            ? new IPEndPoint(host, endpoint.RelayPort)
            : null;

    /// <summary>
    /// Same host: the container's own addresses, those on a network we are attached to first, and within that IPv4
    /// first (as inspect lists them) unless <paramref name="preferIpv6"/>; a container with only an IPv6 address is
    /// dialled at it either way. Then its published ports on this host as a last resort.
    /// </summary>
    internal static ImmutableArray<IPEndPoint> LocalAddresses(ContainerEndpoint endpoint, int port, PortProtocol protocol, LocalNetworks networks, bool preferIpv6)
    {
        if (endpoint.HostNetwork)
        {
            return [new IPEndPoint(IPAddress.Loopback, port)];
        }

        var direct = endpoint.Addresses
            .Select(address => IPAddress.TryParse(address.Address, out var ip) ? ip : null)
            .OfType<IPAddress>()
            .OrderByDescending(networks.Contains)
            .ThenByDescending(ip => preferIpv6 && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
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
            .Where(exposed => exposed.ContainerPort == port && exposed.Protocol == protocol )
            .SelectMany(exposed => exposed.Published)
            .Where(published => IPAddress.TryParse(published.HostIp, out _) || string.IsNullOrEmpty(published.HostIp))
            .Select(published => string.IsNullOrEmpty(published.HostIp) ? published with { HostIp = "0.0.0.0" } : published);

    private static bool IsAnyAddress(string hostIp) => hostIp is "0.0.0.0" or "::";
}
