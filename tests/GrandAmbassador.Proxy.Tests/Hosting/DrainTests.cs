using System.Net.Sockets;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static GrandAmbassador.Proxy.Tests.Support.ProxyHarness;

namespace GrandAmbassador.Proxy.Tests.Hosting;

public sealed class DrainTests
{
    [Fact]
    public async Task Drain_StopsAccepting_LetsTwentyConnectionsGetTheirResponses_ThenClosesWithAFin()
    {
        const int Connections = 20;
        var time = new FakeTimeProvider();
        using var metrics = MetricTotals.ForNewService();
        await using var backend = TcpBackend.Manual("a");
        await using var proxy = Create(options => options.DrainTimeout = TimeSpan.FromSeconds(10), time, metrics.Service);
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port, Destination("a", backend.EndPoint))));
        var clients = new List<Socket>();
        var servers = new List<Socket>();
        try
        {
            for (var i = 0; i < Connections; i++)
            {
                var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
                clients.Add(client);
                await client.SendTextAsync("request");
                var server = await backend.AcceptAsync();
                servers.Add(server);
                Assert.Equal("request", await server.ReceiveTextAsync(7));
            }

            // SIGTERM: every request is in flight when the drain begins.
            var listener = proxy.TcpListener(port);
            var drain = proxy.DrainAsync(CancellationToken.None);
            var refused = await Assert.ThrowsAsync<SocketException>(() => SocketTestExtensions.ConnectTcpAsync(port.Port));
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);

            // The responses still arrive. Half the servers close after answering, as HTTP/1.0 servers do: those
            // connections end on their own. The other half keep their connections open.
            for (var i = 0; i < Connections; i++)
            {
                await servers[i].SendTextAsync("response");
                if (i % 2 == 0)
                {
                    servers[i].Shutdown(SocketShutdown.Send);
                }

                Assert.Equal("response", await clients[i].ReceiveTextAsync(8));
            }

            for (var i = 0; i < Connections; i += 2)
            {
                Assert.Equal(PeerClose.Fin, await clients[i].ReceiveCloseAsync());
                clients[i].Shutdown(SocketShutdown.Send);
            }

            await TestTimeouts.EventuallyAsync(() => listener.ConnectionCount == Connections / 2);
            Assert.False(drain.IsCompleted);

            // At the end of the drain the rest are closed: a FIN each way, no reset.
            await TestTimeouts.EventuallyAsync(() =>
            {
                time.Advance(TimeSpan.FromSeconds(1));
                return drain.IsCompleted;
            });
            var (finished, closed) = await drain;
            for (var i = 1; i < Connections; i += 2)
            {
                Assert.Equal(PeerClose.Fin, await clients[i].ReceiveCloseAsync());
                Assert.Equal(PeerClose.Fin, await servers[i].ReceiveCloseAsync());
            }

            Assert.Equal((Connections / 2, Connections / 2), (finished, closed));
        }
        finally
        {
            foreach (var socket in clients.Concat(servers))
            {
                socket.Dispose();
            }
        }
    }
}
