using System.Collections.Immutable;
using System.Net;
using GrandAmbassador.Ambassador;
using GrandAmbassador.Configuration;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.DataPlane;
using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.Host.Tests.Ambassador;

public sealed class RouteBuilderTests
{
    private static readonly FrontedService Redis = new("redis", []);
    private static readonly RouteContext OnHostC = new("host-c", LocalNetworks.Of((IPAddress.Parse("172.17.0.1"), 16)));

    [Fact]
    public void LocalContainer_IsReachedAtItsAddress_OnEveryExposedPort()
    {
        var endpoint = Endpoint("host-c", "c1", address: "172.17.0.5", ports: [Tcp(6379), Udp(5353)]);

        var plan = Build(Redis, endpoint);

        Assert.Equal(["5353/udp", "6379/tcp"], plan.Routes.Ports.Select(p => p.Listen.ToString()).Order());
        var tcp = plan.Routes.Ports.Single(p => p.Listen.Protocol == TransportProtocol.Tcp);
        Assert.Equal("172.17.0.5:6379", Assert.Single(Assert.Single(tcp.Destinations).Addresses).ToString());
    }

    [Theory]
    [InlineData("v1", 1)]
    [InlineData("v2", 2)]
    [InlineData("v3", 0)]
    [InlineData(null, 0)]
    public void TheProxyProtocolLabel_GoesWithItsContainersDestination(string? label, int version)
    {
        var endpoint = Endpoint("host-c", "c1", address: "172.17.0.5", ports: [Tcp(80)]) with { ProxyProtocol = label };

        var destination = Assert.Single(Build(Redis, endpoint).Routes.Ports.Single().Destinations);

        Assert.Equal(version, (int)destination.ProxyProtocol);
    }

    [Fact]
    public void AddressOnANetworkWeAreAttachedTo_IsTriedFirst()
    {
        var endpoint = Endpoint("host-c", "c1", ports: [Tcp(80)]) with
        {
            Addresses = [new NetworkAddress("other", "10.99.0.4", 24, null), new NetworkAddress("bridge", "172.17.0.9", 16, null)],
        };

        var destination = Assert.Single(Build(Redis, endpoint).Routes.Ports.Single().Destinations);

        Assert.Equal(["172.17.0.9:80", "10.99.0.4:80"], destination.Addresses.Select(a => a.ToString()));
    }

    [Fact]
    public void RemoteContainer_IsReachedAtItsHostsAdvertisedAddress_AndPublishedPort()
    {
        var endpoint = Endpoint("host-a", "c1", ports: [Tcp(6379, new PublishedPort("0.0.0.0", 16379))]);

        var plan = Build(Redis, endpoint);

        var destination = Assert.Single(plan.Routes.Ports.Single().Destinations);
        Assert.Equal("10.231.0.11:16379", Assert.Single(destination.Addresses).ToString());
        Assert.Empty(plan.Unreachable);
    }

    [Fact]
    public void RemoteContainerWithoutPublishedPort_IsReportedUnreachable_NotRouted()
    {
        var endpoint = Endpoint("host-a", "c1", ports: [Tcp(6379)]);

        var plan = Build(Redis, endpoint);

        Assert.Empty(plan.Routes.Ports.Single().Destinations);
        var problem = Assert.Single(plan.Unreachable);
        Assert.Equal("6379/tcp", problem.Port);
        Assert.Contains("publishes no host port", problem.Reason);
    }

    [Fact]
    public void RemoteContainerWithoutPublishedPort_IsReachedThroughItsHostsRelay_OnItsUdpPortsToo()
    {
        var endpoint = Endpoint("host-a", "c1", ports: [Tcp(6379), Udp(5353)]) with { RelayPort = 11112 };

        var plan = Build(Redis, endpoint);

        Assert.Empty(plan.Unreachable);
        foreach (var port in plan.Routes.Ports)
        {
            var destination = Assert.Single(port.Destinations);
            Assert.Equal("10.231.0.11:11112", Assert.Single(destination.Addresses).ToString());
            Assert.Equal(new RelayHop("host-a", "redis", "c1", port.Listen.Port), destination.Relay);
        }

        Assert.Equal([TransportProtocol.Tcp, TransportProtocol.Udp], plan.Routes.Ports.Select(port => port.Listen.Protocol).Order());
    }

    [Theory]
    [InlineData(ContainerHealth.Starting)]
    [InlineData(ContainerHealth.Unhealthy)]
    public void RunningButNotHealthy_GetsNoNewConnections_ButKeepsItsOpenOnes(ContainerHealth health)
    {
        var endpoint = Endpoint("host-c", "c1", ports: [Tcp(80)]) with { Health = health };

        var plan = Build(Redis, endpoint);

        Assert.Empty(plan.Routes.Ports.Single().Destinations);
        Assert.Contains(endpoint.RunId, plan.Routes.RetainedBackendIds);
    }

    [Fact]
    public void StoppedContainer_KeepsItsPortsListening_ButIsNeitherRoutedNorRetained()
    {
        var running = Endpoint("host-c", "c1", ports: [Tcp(80)]);
        var previous = Build(Redis, running);

        var plan = RouteBuilder.Build(Redis, Set(running with { Running = false }), OnHostC, previous);

        var port = Assert.Single(plan.Routes.Ports);
        Assert.Equal(80, port.Listen.Port);
        Assert.Empty(port.Destinations);
        Assert.Empty(plan.Routes.RetainedBackendIds);
    }

    [Fact]
    public void Replicas_AreAllDestinations_OnlyForPortsTheyExpose()
    {
        var a = Endpoint("host-c", "a", address: "172.17.0.2", ports: [Tcp(80), Tcp(443)]);
        var b = Endpoint("host-c", "b", address: "172.17.0.3", ports: [Tcp(80)]);

        var plan = Build(Redis, a, b);

        Assert.Equal(2, plan.Routes.Ports.Single(p => p.Listen.Port == 80).Destinations.Length);
        Assert.Equal(a.RunId, Assert.Single(plan.Routes.Ports.Single(p => p.Listen.Port == 443).Destinations).BackendId);
    }

    [Fact]
    public void ExplicitPorts_ReplaceTheExposedOnes()
    {
        var web = new FrontedService("web", [new PortMapping(null, 8080, 80, PortProtocol.Tcp)]);
        var endpoint = Endpoint("host-c", "c1", address: "172.17.0.4", ports: [Tcp(80), Tcp(443)]);

        var port = Assert.Single(Build(web, endpoint).Routes.Ports);

        Assert.Equal(8080, port.Listen.Port);
        Assert.Equal("172.17.0.4:80", Assert.Single(Assert.Single(port.Destinations).Addresses).ToString());
    }

    [Fact]
    public void HostNetworkContainer_IsReachedOnLoopback()
    {
        var endpoint = Endpoint("host-c", "c1", ports: [Tcp(9000)]) with { Addresses = [], HostNetwork = true };

        var destination = Assert.Single(Build(Redis, endpoint).Routes.Ports.Single().Destinations);

        Assert.Equal("127.0.0.1:9000", Assert.Single(destination.Addresses).ToString());
    }

    [Fact]
    public void ContainerMissingFromACompleteSnapshot_GetsNoNewConnections_ButKeepsItsOpenOnes()
    {
        // Its reporter silo was declared dead, or its lease ran out: no evidence that it is gone.
        var a = Endpoint("host-c", "a", address: "172.17.0.2", ports: [Tcp(80)]);
        var b = Endpoint("host-c", "b", address: "172.17.0.3", ports: [Tcp(80)]);
        var previous = Build(Redis, a, b);

        var plan = RouteBuilder.Build(Redis, Set(a), OnHostC, previous);
        var later = RouteBuilder.Build(Redis, Set(a), OnHostC, plan);

        Assert.Equal([a.RunId], plan.Routes.Ports.Single().Destinations.Select(d => d.BackendId));
        Assert.Contains(b.RunId, plan.Routes.RetainedBackendIds);
        Assert.Contains(b.RunId, later.Routes.RetainedBackendIds);
    }

    [Fact]
    public void ContainerMissingFromAnIncompleteSnapshot_StaysRouted()
    {
        // A new grain activation that has not heard from b's host yet adds routes but removes none.
        var a = Endpoint("host-c", "a", address: "172.17.0.2", ports: [Tcp(80)]);
        var b = Endpoint("host-c", "b", address: "172.17.0.3", ports: [Tcp(80)]);
        var previous = Build(Redis, a, b);

        var plan = RouteBuilder.Build(Redis, Set(a) with { Complete = false }, OnHostC, previous);
        var empty = RouteBuilder.Build(Redis, EndpointSet.Empty("redis"), OnHostC, previous);

        Assert.Equal([a.RunId, b.RunId], plan.Routes.Ports.Single().Destinations.Select(d => d.BackendId).Order());
        Assert.Equal(2, empty.Routes.Ports.Single().Destinations.Length);
        Assert.Equal(2, empty.Routes.RetainedBackendIds.Count);
    }

    [Fact]
    public void ContainerItsAgentRemoved_IsNeitherRoutedNorRetained_EvenIfTheSnapshotIsIncomplete()
    {
        var a = Endpoint("host-c", "a", ports: [Tcp(80)]);
        var previous = Build(Redis, a);

        var plan = RouteBuilder.Build(Redis, Set() with { Gone = [new GoneContainer("host-c", "a")], Complete = false }, OnHostC, previous);

        Assert.Empty(plan.Routes.Ports.Single().Destinations);
        Assert.Empty(plan.Routes.RetainedBackendIds);
    }

    [Fact]
    public void RestartedContainer_ItsOldRunIsNotRetained_ItsNewRunIsRouted()
    {
        var old = Endpoint("host-c", "a", address: "172.17.0.2", ports: [Tcp(80)]);
        var previous = Build(Redis, old);
        var restarted = old with { StartedAt = old.StartedAt.AddMinutes(1), Addresses = [new NetworkAddress("bridge", "172.17.0.9", 16, null)] };

        var plan = RouteBuilder.Build(Redis, Set(restarted), OnHostC, previous);

        Assert.Equal([restarted.RunId], plan.Routes.RetainedBackendIds);
        Assert.Equal(restarted.RunId, Assert.Single(plan.Routes.Ports.Single().Destinations).BackendId);
    }

    [Fact]
    public void StaleEndpoint_OfAnEngineThatIsAway_StaysRouted_AndTheSameRunWhenItIsBack()
    {
        var a = Endpoint("host-c", "a", ports: [Tcp(80)]);
        var previous = Build(Redis, a);

        var stale = RouteBuilder.Build(Redis, Set(a with { Stale = true }), OnHostC, previous);
        var back = RouteBuilder.Build(Redis, Set(a), OnHostC, stale);

        Assert.Equal(a.RunId, Assert.Single(stale.Routes.Ports.Single().Destinations).BackendId);
        Assert.Equal(a.RunId, Assert.Single(back.Routes.Ports.Single().Destinations).BackendId);
        Assert.Equal([a.RunId], back.Routes.RetainedBackendIds);
    }

    [Fact]
    public void AContainerExposingMorePortsThanTheCap_GetsListenersOnTheLowestOnly_AndIsNamed()
    {
        var endpoint = Endpoint("host-c", "c1", ports: [.. Enumerable.Range(20_000, 150).Select(port => Udp(port)), Tcp(80)]);

        var plan = RouteBuilder.Build(Redis, Set(endpoint), OnHostC with { MaxExposedPorts = 100 }, null);

        Assert.Equal(100, plan.Routes.Ports.Length);
        Assert.Contains(plan.Routes.Ports, port => port.Listen.ToString() == "80/tcp");
        Assert.Equal("20098/udp", plan.Routes.Ports[^1].Listen.ToString());
        var left = Assert.Single(plan.LeftOut);
        Assert.Equal(("host-c", "redis", 51, 100), (left.HostId, left.ContainerName, left.Count, left.Cap));
    }

    [Fact]
    public void ExplicitPortMappings_AreExemptFromTheCap()
    {
        var mapped = new FrontedService("redis", [.. Enumerable.Range(20_000, 150).Select(port => new PortMapping(null, port, port, PortProtocol.Tcp))]);
        var endpoint = Endpoint("host-c", "c1", ports: [.. Enumerable.Range(20_000, 150).Select(port => Tcp(port))]);

        var plan = RouteBuilder.Build(mapped, Set(endpoint), OnHostC with { MaxExposedPorts = 100 }, null);

        Assert.Equal(150, plan.Routes.Ports.Length);
        Assert.Empty(plan.LeftOut);
    }

    [Fact]
    public void ADualStackContainer_IsDialledAtIPv4First_OrAtIPv6FirstWhenPreferred()
    {
        var endpoint = Endpoint("host-c", "c1", ports: [Tcp(80)]) with
        {
            Addresses = [new NetworkAddress("v6", "172.18.0.2", 16, null), new NetworkAddress("v6", "fd00:6a::2", 64, null)],
        };

        var ipv4First = Assert.Single(Build(Redis, endpoint).Routes.Ports.Single().Destinations);
        var ipv6First = Assert.Single(RouteBuilder.Build(Redis, Set(endpoint), OnHostC with { PreferIpv6 = true }, null).Routes.Ports.Single().Destinations);

        Assert.Equal(["172.18.0.2:80", "[fd00:6a::2]:80"], ipv4First.Addresses.Select(a => a.ToString()));
        Assert.Equal(["[fd00:6a::2]:80", "172.18.0.2:80"], ipv6First.Addresses.Select(a => a.ToString()));
    }

    [Fact]
    public void AContainerWithOnlyAnIPv6Address_IsDialledThere()
    {
        var endpoint = Endpoint("host-c", "c1", ports: [Tcp(80)]) with { Addresses = [new NetworkAddress("v6only", "fd00:6a::7", 64, null)] };

        var destination = Assert.Single(Build(Redis, endpoint).Routes.Ports.Single().Destinations);

        Assert.Equal("[fd00:6a::7]:80", Assert.Single(destination.Addresses).ToString());
    }

    [Fact]
    public void AContainerOnAnotherHost_IsReachedAtAnIPv6AdvertiseAddress()
    {
        var endpoint = Endpoint("host-a", "a1", ports: [Tcp(80, new PublishedPort("::", 18080))]) with { AdvertiseAddress = "fd00:231::11" };

        var destination = Assert.Single(Build(Redis, endpoint).Routes.Ports.Single().Destinations);

        Assert.Equal("[fd00:231::11]:18080", Assert.Single(destination.Addresses).ToString());
    }

    [Fact]
    public void RemoteContainerWithoutPublishedPort_IsReachedThroughItsHostsRelay()
    {
        var endpoint = Endpoint("host-a", "c1", ports: [Tcp(6379)]) with { RelayPort = 11112 };

        var plan = Build(Redis, endpoint);

        var destination = Assert.Single(plan.Routes.Ports.Single().Destinations);
        Assert.Equal("10.231.0.11:11112", Assert.Single(destination.Addresses).ToString());
        Assert.Equal(new RelayHop("host-a", "redis", "c1", 6379), destination.Relay);
        Assert.Empty(plan.Unreachable);
    }

    [Theory]
    [InlineData("auto", "10.231.0.11:16379", false)]
    [InlineData("published", "10.231.0.11:16379", false)]
    [InlineData("relay", "10.231.0.11:11112", true)]
    public void APublishedRemoteContainer_GoesThroughTheRelayOnlyWhenCrossHostSaysRelay(string crossHost, string address, bool relayed)
    {
        var route = Enum.Parse<CrossHostRoute>(crossHost, ignoreCase: true);
        var endpoint = Endpoint("host-a", "c1", ports: [Tcp(6379, new PublishedPort("0.0.0.0", 16379))]) with { RelayPort = 11112 };

        var destination = Assert.Single(Build(Redis, OnHostC with { CrossHost = route }, endpoint).Routes.Ports.Single().Destinations);

        Assert.Equal(address, Assert.Single(destination.Addresses).ToString());
        Assert.Equal(relayed, destination.Relay is not null);
    }

    [Theory]
    [InlineData("published", 11112, "run it with -p, or use --cross-host auto")]
    [InlineData("relay", 0, "whose agent runs no relay")]
    [InlineData("auto", 0, "that host runs no relay")]
    public void AnUnpublishedRemoteContainer_WithNoWayToItsHost_SaysWhatWouldGiveItOne(string crossHost, int relayPort, string reason)
    {
        var route = Enum.Parse<CrossHostRoute>(crossHost, ignoreCase: true);
        var endpoint = Endpoint("host-a", "c1", ports: [Tcp(6379)]) with { RelayPort = relayPort };

        var plan = Build(Redis, OnHostC with { CrossHost = route }, endpoint);

        Assert.Empty(plan.Routes.Ports.Single().Destinations);
        Assert.Contains(reason, Assert.Single(plan.Unreachable).Reason);
    }

    [Fact]
    public void ALocalContainer_NeverGoesThroughARelay()
    {
        var endpoint = Endpoint("host-c", "c1", address: "172.17.0.5", ports: [Tcp(6379)]) with { RelayPort = 11112 };

        var destination = Assert.Single(Build(Redis, OnHostC with { CrossHost = CrossHostRoute.Relay }, endpoint).Routes.Ports.Single().Destinations);

        Assert.Null(destination.Relay);
        Assert.Equal("172.17.0.5:6379", Assert.Single(destination.Addresses).ToString());
    }

    private static RoutePlan Build(FrontedService service, params ContainerEndpoint[] endpoints) =>
        RouteBuilder.Build(service, Set(endpoints), OnHostC, null);

    private static RoutePlan Build(FrontedService service, RouteContext context, params ContainerEndpoint[] endpoints) =>
        RouteBuilder.Build(service, Set(endpoints), context, null);

    private static EndpointSet Set(params ContainerEndpoint[] endpoints) => new("redis", 1, [.. endpoints]);

    private static ExposedPort Tcp(int port, params PublishedPort[] published) => new(port, PortProtocol.Tcp, [.. published]);

    private static ExposedPort Udp(int port) => new(port, PortProtocol.Udp, []);

    private static ContainerEndpoint Endpoint(string hostId, string id, string address = "172.17.0.2", ImmutableArray<ExposedPort> ports = default) =>
        new(hostId, id, "redis", ["redis"], [new NetworkAddress("bridge", address, 16, "172.17.0.1")], ports.IsDefault ? [] : ports,
            ContainerHealth.None, Running: true, DateTimeOffset.UnixEpoch, AdvertiseAddress: hostId == "host-a" ? "10.231.0.11" : "10.231.0.13", HostNetwork: false);
}
