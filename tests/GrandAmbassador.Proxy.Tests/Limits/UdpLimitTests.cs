using System.Net;
using System.Net.Sockets;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;
using static GrandAmbassador.Proxy.Tests.Support.ProxyHarness;

namespace GrandAmbassador.Proxy.Tests.Limits;

[Collection(DescriptorHungryCollection.Name)]
public sealed class UdpLimitTests(ITestOutputHelper output)
{
    [Fact]
    public async Task FiveThousandClientsWithNoTarget_HoldNoMoreThanTheCap_AndANewClientIsServedOnceTheTargetAppears()
    {
        const int Clients = 5000;
        const int Payload = 1000;
        const long Cap = 1_000_000;
        using var metrics = MetricTotals.ForNewService();
        await using var backend = new UdpBackend("a");
        using var factory = Factory(options => options.MaxHeldUdpBytes = Cap);
        await using var proxy = factory.Create(metrics.Service);
        var port = new ListenPort(FreePort.Udp(), TransportProtocol.Udp);
        await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port)));
        var target = new IPEndPoint(IPAddress.Loopback, port.Port);
        var held = factory.Limits.HeldDatagrams;

        var sockets = new List<Socket>();
        long peak = 0;
        try
        {
            // In batches the port's receive buffer can take whole, so that the kernel drops none of them.
            var datagram = new byte[Payload];
            for (var i = 0; i < Clients; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                sockets.Add(socket);
                socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                await socket.SendToAsync(datagram, target);
                if ((i + 1) % 25 == 0)
                {
                    var sent = i + 1;
                    await TestTimeouts.EventuallyAsync(() =>
                    {
                        peak = Math.Max(peak, held.Bytes);
                        return metrics["udp.sessions.opened"] == sent;
                    });
                }
            }

            // Every session holds one datagram; past the cap the sessions that have waited longest make room.
            output.WriteLine($"{Clients} clients with no target: at most {peak} bytes held at once (cap {Cap}); {metrics["held.evicted"]} sessions evicted oldest first");
            Assert.True(peak <= Cap, $"{peak} bytes held at once");
            Assert.Equal(Cap, held.Bytes);
            Assert.Equal(Clients - (Cap / Payload), metrics["held.evicted"]);

            // The old clients' sockets stay open meanwhile: a new client given one of their ports would be
            // sent the replies to that client's held datagram, as UDP has no way to tell them apart.
            await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port, Destination("a", backend.EndPoint))));
            using var fresh = new UdpClientSocket(port.Port);
            await fresh.SendAsync("new");
            Assert.Equal("new", await fresh.ReceiveTextAsync());
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    [Fact]
    public async Task AFullSessionTable_EvictsTheLeastRecentlyUsedSession()
    {
        var time = new FakeTimeProvider();
        using var metrics = MetricTotals.ForNewService();
        await using var backend = new UdpBackend("a");
        await using var proxy = Create(options => options.UdpMaxSessionsPerPort = 2, time, metrics.Service);
        var port = new ListenPort(FreePort.Udp(), TransportProtocol.Udp);
        await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port, Destination("a", backend.EndPoint))));
        using var a = new UdpClientSocket(port.Port);
        using var b = new UdpClientSocket(port.Port);
        using var c = new UdpClientSocket(port.Port);

        await a.SendAsync("a1");
        Assert.Equal("a1", await a.ReceiveTextAsync());
        var aSession = (await backend.ReceivedAsync()).From;
        time.Advance(TimeSpan.FromSeconds(1));
        await b.SendAsync("b1");
        Assert.Equal("b1", await b.ReceiveTextAsync());
        var bSession = (await backend.ReceivedAsync()).From;
        time.Advance(TimeSpan.FromSeconds(1));
        await a.SendAsync("a2");
        Assert.Equal("a2", await a.ReceiveTextAsync());
        Assert.Equal(aSession, (await backend.ReceivedAsync()).From);
        time.Advance(TimeSpan.FromSeconds(1));

        // The table is full: c gets in, and b, used least recently, makes room; a keeps its session.
        await c.SendAsync("c1");
        Assert.Equal("c1", await c.ReceiveTextAsync());
        await backend.ReceivedAsync();
        Assert.Equal(1, metrics["udp.sessions.evicted"]);
        await a.SendAsync("a3");
        Assert.Equal("a3", await a.ReceiveTextAsync());
        Assert.Equal(aSession, (await backend.ReceivedAsync()).From);
        await b.SendAsync("b2");
        Assert.Equal("b2", await b.ReceiveTextAsync());
        Assert.NotEqual(bSession, (await backend.ReceivedAsync()).From);
    }
}
