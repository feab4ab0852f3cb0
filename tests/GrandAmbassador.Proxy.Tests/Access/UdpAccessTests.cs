using System.Net;
using GrandAmbassador.Proxy.Access;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tests.Support;
using static GrandAmbassador.Proxy.Tests.Support.ProxyHarness;

namespace GrandAmbassador.Proxy.Tests.Access;

/// <summary>UDP: a client is judged when its first datagram would open a session; a refused one's datagrams are dropped and counted.</summary>
public sealed class UdpAccessTests
{
    [Fact]
    public async Task ARefusedClientsDatagrams_AreDroppedAndCounted_AndAnAllowedOneIsRelayed()
    {
        using var metrics = MetricTotals.ForNewService();
        await using var backend = new UdpBackend("a");
        using var factory = Factory(options => options.Access = AllowListTests.Policy(metrics.Service, "127.0.0.2/32"));
        await using var proxy = factory.Create(metrics.Service);
        var port = new ListenPort(FreePort.Udp(), TransportProtocol.Udp);
        await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port, Destination("a", backend.EndPoint))));

        using var refused = new UdpClientSocket(port.Port, IPAddress.Parse("127.0.0.3"));
        for (var i = 0; i < 3; i++)
        {
            await refused.SendAsync("no");
        }

        await metrics.WaitForAsync("connections.refused/not_allowed", 3);
        using var allowed = new UdpClientSocket(port.Port, IPAddress.Parse("127.0.0.2"));
        await allowed.SendAsync("yes");
        Assert.Equal("yes", await allowed.ReceiveTextAsync());
        Assert.Equal(1, proxy.UdpListener(port).SessionCount);
        Assert.Equal("yes", System.Text.Encoding.ASCII.GetString((await backend.ReceivedAsync()).Payload));
    }

    [Fact]
    public async Task AClientAddress_GetsNoMoreSessionsThanItsLimit_AndOneBackWhenItsSessionEnds()
    {
        using var metrics = MetricTotals.ForNewService();
        await using var backend = new UdpBackend("a");
        using var factory = Factory(options => options.Access = PerClientLimitTests.Policies(metrics.Service, new AccessPolicy([], MaxConnectionsPerClient: 1)));
        await using var proxy = factory.Create(metrics.Service);
        var port = new ListenPort(FreePort.Udp(), TransportProtocol.Udp);
        await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port, Destination("a", backend.EndPoint))));
        var source = IPAddress.Parse("127.0.0.2");

        using var first = new UdpClientSocket(port.Port, source);
        await first.SendAsync("one");
        Assert.Equal("one", await first.ReceiveTextAsync());
        using var second = new UdpClientSocket(port.Port, source);
        await second.SendAsync("two");
        await metrics.WaitForAsync("connections.refused/per_client_limit", 1);
        using var elsewhere = new UdpClientSocket(port.Port, IPAddress.Parse("127.0.0.3"));
        await elsewhere.SendAsync("three");
        Assert.Equal("three", await elsewhere.ReceiveTextAsync());
        Assert.Equal(1, proxy.Access.OpenOf(source));
    }
}
