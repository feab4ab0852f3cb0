using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tests.Support;
using static GrandAmbassador.Proxy.Tests.Support.ProxyHarness;

namespace GrandAmbassador.Proxy.Tests.Tcp;

public sealed class BalancingTests
{
    [Fact]
    public async Task NewConnections_RoundRobin_AcrossDestinations()
    {
        await using var a = TcpBackend.Greeting("a");
        await using var b = TcpBackend.Greeting("b");
        await using var proxy = Create();
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(Routes(Route(port, Destination("a", a.EndPoint), Destination("b", b.EndPoint))));

        var seen = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
            seen.Add(await client.ReceiveLineAsync());
        }

        Assert.NotEqual(seen[0], seen[1]);
        Assert.Equal([seen[0], seen[1], seen[0], seen[1]], seen);
    }

    [Fact]
    public async Task FailedConnect_MovesOnToTheNextAddress()
    {
        await using var a = TcpBackend.Greeting("a");
        await using var proxy = Create();
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(Routes(Route(port, Destination("a", DeadEndPoint(), a.EndPoint))));

        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        Assert.Equal("a", await client.ReceiveLineAsync());
    }

    [Fact]
    public async Task FailedConnect_MovesOnToTheNextDestination_BeforeTheClientNotices()
    {
        await using var a = TcpBackend.Greeting("a");
        await using var proxy = Create();
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(Routes(Route(port, Destination("dead", DeadEndPoint()), Destination("a", a.EndPoint))));

        // Whichever destination the rotation starts at, every connection ends up at the live one.
        for (var i = 0; i < 3; i++)
        {
            using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
            Assert.Equal("a", await client.ReceiveLineAsync());
        }
    }

    [Fact]
    public async Task ConnectThatHangs_TimesOut_AndMovesOnToTheNextDestination()
    {
        await using var a = TcpBackend.Greeting("a");
        using var blackHole = await BlackHole.CreateAsync();
        await using var proxy = Create(options => options.ConnectAttemptTimeout = TimeSpan.FromMilliseconds(200));
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(Routes(Route(port, Destination("hung", blackHole.EndPoint), Destination("a", a.EndPoint))));

        for (var i = 0; i < 2; i++)
        {
            using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
            Assert.Equal("a", await client.ReceiveLineAsync());
        }
    }
}
