using System.Net.Sockets;
using GrandAmbassador.Proxy.Limits;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tests.Support;
using Xunit.Abstractions;
using static GrandAmbassador.Proxy.Tests.Support.ProxyHarness;

namespace GrandAmbassador.Proxy.Tests.Limits;

[Collection(DescriptorHungryCollection.Name)]
public sealed class ConnectionLimitTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AtTheLimit_TheBackendNeverSeesMore_AndTheRestAreServedAsSlotsFree()
    {
        const int Limit = 1000;
        const int Clients = 2000;
        using var metrics = MetricTotals.ForNewService();
        await using var backend = TcpBackend.Echo("a");
        using var factory = Factory(options =>
        {
            options.MaxConnections = Limit;
            options.ListenBacklog = Clients;
        });
        await using var proxy = factory.Create(metrics.Service);
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port, Destination("a", backend.EndPoint))));

        // Every client connects (the kernel completes the handshake of those in the backlog) and asks once.
        var clients = new List<Socket>();
        try
        {
            for (var i = 0; i < Clients; i++)
            {
                var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
                clients.Add(client);
                await client.SendTextAsync("x");
            }

            var answers = clients.Select(client => client.ReceiveExactlyAsync(1)).ToList();
            await TestTimeouts.EventuallyAsync(() => answers.Count(answer => answer.IsCompleted) == Limit);
            Assert.Equal(Limit, proxy.TcpListener(port).ConnectionCount);
            Assert.Equal(Limit, factory.Limits.Connections.InUse);
            Assert.Equal(1, metrics["connections.limit_reached"]);

            // The first thousand leave; the others are accepted as their slots free up, never more at once.
            var served = answers.Select((answer, index) => (answer, index)).Where(pair => pair.answer.IsCompleted).Select(pair => pair.index).ToHashSet();
            foreach (var index in served)
            {
                clients[index].Dispose();
            }

            await Task.WhenAll(answers).WaitAsync(TestTimeouts.Hang);
            Assert.Equal(Clients, metrics["connections.accepted"]);
            output.WriteLine($"{Clients} clients, limit {Limit}: all served; the backend saw at most {backend.Peak} at once");
            Assert.True(backend.Peak <= Limit, $"the backend saw {backend.Peak} connections at once");
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    [Fact]
    public async Task TheLimit_IsSharedByEveryProxyOfTheProcess()
    {
        using var firstMetrics = MetricTotals.ForNewService();
        using var secondMetrics = MetricTotals.ForNewService();
        await using var backend = TcpBackend.Greeting("a");
        using var factory = Factory(options => options.MaxConnections = 1);
        await using var first = factory.Create(firstMetrics.Service);
        await using var second = factory.Create(secondMetrics.Service);
        var firstPort = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        var secondPort = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await first.ApplyAsync(RoutesFor(firstMetrics.Service, Route(firstPort, Destination("a", backend.EndPoint))));
        await second.ApplyAsync(RoutesFor(secondMetrics.Service, Route(secondPort, Destination("a", backend.EndPoint))));

        var one = await SocketTestExtensions.ConnectTcpAsync(firstPort.Port);
        Assert.Equal("a", await one.ReceiveLineAsync());

        // The second proxy's port takes this client off the backlog, finds no slot, and waits: it relays nothing.
        using var waiting = await SocketTestExtensions.ConnectTcpAsync(secondPort.Port);
        var greeting = waiting.ReceiveLineAsync();
        await secondMetrics.WaitForAsync("connections.limit_reached", 1);
        Assert.Equal(0, second.TcpListener(secondPort).ConnectionCount);
        Assert.False(greeting.IsCompleted);

        one.Dispose();
        Assert.Equal("a", await greeting);
    }

    [Fact]
    public async Task HeldConnections_AreBoundedProcessWide_OldestEvictedFirst()
    {
        using var metrics = MetricTotals.ForNewService();
        using var factory = Factory(options => options.MaxHeldConnections = 2);
        await using var proxy = factory.Create(metrics.Service);
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port)));

        using var oldest = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        await metrics.WaitForAsync("held", 1);
        using var middle = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        await metrics.WaitForAsync("held", 2);
        using var newest = await SocketTestExtensions.ConnectTcpAsync(port.Port);

        Assert.Equal(PeerClose.Reset, await oldest.ReceiveCloseAsync());
        await metrics.WaitForAsync("held", 2);
        Assert.Equal(1, metrics["held.evicted"]);
        Assert.Equal(2, factory.Limits.HeldConnections.Count);
    }

    [Fact]
    public void DefaultLimit_IsDerivedFromTheOpenFileLimit()
    {
        var files = ProcessLimits.OpenFiles();
        Assert.NotNull(files);
        Assert.Equal((int)(((long)files.Value.Soft - 1024) / 2), ProxyLimits.EffectiveMaxConnections(0));
        Assert.Equal(7, ProxyLimits.EffectiveMaxConnections(7));
    }
}
