using System.Net;
using GrandAmbassador.Ambassador;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Docker.Watching;
using GrandAmbassador.HostRelay;
using GrandAmbassador.Proxy.HostRelay;

namespace GrandAmbassador.Host.Tests.HostRelay;

/// <summary>The relay is not an open proxy: it dials only what its own agent reports, for a port that container has.</summary>
public sealed class RelayAuthorizerTests
{
    private static readonly LocalNetworks Networks = LocalNetworks.Of((IPAddress.Parse("172.17.0.1"), 16));

    [Fact]
    public void AReportedRunningContainer_IsDialledAtItsOwnAddress_NeverAtOneFromTheRequest()
    {
        var view = View(Container("c1", running: true, ports: [new ExposedPort(6379, PortProtocol.Tcp, [])]));

        var (addresses, refusal) = RelayAuthorizer.Resolve(Request("c1", 6379), view, "host-a", Networks);

        Assert.Null(refusal);
        Assert.Equal(["172.17.0.2:6379"], addresses.Select(address => address.ToString()));
    }

    [Theory]
    [InlineData("c2", 6379, "tcp", "reports no container c2")]
    [InlineData("c1", 22, "tcp", "neither exposes nor publishes 22/tcp")]
    [InlineData("c1", 6379, "udp", "neither exposes nor publishes 6379/udp")]
    public void AnythingTheAgentDoesNotReport_IsRefusedWithTheReason(string container, int port, string protocol, string reason)
    {
        var view = View(Container("c1", running: true, ports: [new ExposedPort(6379, PortProtocol.Tcp, [])]));

        var (addresses, refusal) = RelayAuthorizer.Resolve(Request(container, port) with { Protocol = protocol }, view, "host-a", Networks);

        Assert.Empty(addresses);
        Assert.Contains(reason, refusal);
    }

    [Fact]
    public void AContainerOnTheHostsNetwork_IsDialledAtTheAdvertisedAddress_NeverAtLoopback()
    {
        var view = View(Container("c1", running: true, ports: [new ExposedPort(9000, PortProtocol.Tcp, [])]) with { HostNetwork = true, Addresses = [] });

        var (addresses, refusal) = RelayAuthorizer.Resolve(Request("c1", 9000), view, "host-a", Networks);

        Assert.Null(refusal);
        Assert.Equal(["10.231.0.11:9000"], addresses.Select(address => address.ToString()));
    }

    [Fact]
    public void AStoppedContainer_IsRefused()
    {
        var view = View(Container("c1", running: false, ports: [new ExposedPort(6379, PortProtocol.Tcp, [])]));

        var (_, refusal) = RelayAuthorizer.Resolve(Request("c1", 6379), view, "host-a", Networks);

        Assert.Contains("is not running", refusal);
    }

    [Fact]
    public void BeforeTheAgentHasListedItsEngine_EverythingIsRefused()
    {
        var (_, refusal) = RelayAuthorizer.Resolve(Request("c1", 6379), new LocalContainerView(), "host-a", Networks);

        Assert.Contains("has not listed its containers yet", refusal);
    }

    private static RelayRequest Request(string container, int port) => new("redis", container, port, "tcp", "10.0.0.9:50000");

    private static LocalContainerView View(params ContainerEndpoint[] containers)
    {
        var known = new KnownContainers();
        known.Reconciled(containers);
        var view = new LocalContainerView();
        view.Attach(known);
        return view;
    }

    private static ContainerEndpoint Container(string id, bool running, params ExposedPort[] ports) =>
        new("host-a", id, "redis", ["redis"], [new NetworkAddress("bridge", "172.17.0.2", 16, "172.17.0.1")], [.. ports],
            ContainerHealth.None, running, DateTimeOffset.UnixEpoch, "10.231.0.11", HostNetwork: false, RelayPort: 11112);
}
