using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tests.Support;
using static GrandAmbassador.Proxy.Tests.Support.ProxyHarness;

namespace GrandAmbassador.Proxy.Tests.Diagnostics;

public sealed class ProxyMetricsTests
{
    [Fact]
    public async Task Metrics_CountConnectionsBytesAndDatagrams()
    {
        using var totals = MetricTotals.ForNewService();
        var service = totals.Service;
        await using var tcpBackend = TcpBackend.Echo("a");
        await using var udpBackend = new UdpBackend("a");
        await using var proxy = Create(serviceName: service);
        var tcp = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        var udp = new ListenPort(FreePort.Udp(), TransportProtocol.Udp);
        await proxy.ApplyAsync(RoutesFor(service, Route(tcp, Destination("a", tcpBackend.EndPoint)), Route(udp, Destination("a", udpBackend.EndPoint))));

        using (var client = await SocketTestExtensions.ConnectTcpAsync(tcp.Port))
        {
            await client.SendTextAsync("12345");
            Assert.Equal("12345", await client.ReceiveTextAsync(5));
            client.Shutdown(System.Net.Sockets.SocketShutdown.Send);
            Assert.Equal(PeerClose.Fin, await client.ReceiveCloseAsync());
        }

        using var udpClient = new UdpClientSocket(udp.Port);
        await udpClient.SendAsync("abc");
        Assert.Equal("abc", await udpClient.ReceiveTextAsync());

        // Bytes are added when the connection has closed on the proxy's side too, which no event announces.
        await TestTimeouts.EventuallyAsync(() => totals["connections.active"] == 0 && totals["bytes/downstream"] == 5);
        Assert.Equal(1, totals["connections.accepted"]);
        Assert.Equal(5, totals["bytes/upstream"]);
        Assert.Equal(5, totals["bytes/downstream"]);
        Assert.Equal(1, totals["udp.datagrams/upstream"]);
        Assert.Equal(1, totals["udp.datagrams/downstream"]);
        Assert.Equal(1, totals["udp.sessions.active"]);
        Assert.Equal(1, totals["udp.sessions.opened"]);
    }

    [Fact]
    public async Task APortThatCloses_LeavesNoSeries()
    {
        using var totals = MetricTotals.ForNewService();
        var service = totals.Service;
        await using var backend = TcpBackend.Echo("a");
        var proxy = Create(serviceName: service);
        var tcp = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(RoutesFor(service, Route(tcp, Destination("a", backend.EndPoint))));
        using (var client = await SocketTestExtensions.ConnectTcpAsync(tcp.Port))
        {
            await client.SendTextAsync("x");
            Assert.Equal("x", await client.ReceiveTextAsync(1));
        }

        Assert.Equal(1, totals["connections.accepted"]);

        // The name is no longer fronted (removed at run time): its series go, not stay at their last value.
        await proxy.DisposeAsync();
        Assert.False(totals.Has("connections.accepted"));
        Assert.False(totals.Has("bytes/upstream"));
    }
}
