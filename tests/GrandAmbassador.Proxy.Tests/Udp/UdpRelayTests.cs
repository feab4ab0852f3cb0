using System.Text;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tests.Support;
using GrandAmbassador.Proxy.Udp;
using Microsoft.Extensions.Time.Testing;
using static GrandAmbassador.Proxy.Tests.Support.ProxyHarness;

namespace GrandAmbassador.Proxy.Tests.Udp;

public sealed class UdpRelayTests
{
    [Fact]
    public async Task Relay_CarriesDatagramsBothWays()
    {
        await using var backend = new UdpBackend("a");
        await using var proxy = Create();
        var port = new ListenPort(FreePort.Udp(), TransportProtocol.Udp);
        await proxy.ApplyAsync(Routes(Route(port, Destination("a", backend.EndPoint))));

        using var client = new UdpClientSocket(port.Port);
        await client.SendAsync("ping");
        Assert.Equal("ping", await client.ReceiveTextAsync());
        await client.SendAsync("pong");
        Assert.Equal("pong", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Relay_CarriesTheLargestIPv4Datagram()
    {
        await using var backend = new UdpBackend("a");
        await using var proxy = Create();
        var port = new ListenPort(FreePort.Udp(), TransportProtocol.Udp);
        await proxy.ApplyAsync(Routes(Route(port, Destination("a", backend.EndPoint))));

        var payload = new byte[65_507];
        Random.Shared.NextBytes(payload);
        using var client = new UdpClientSocket(port.Port);
        await client.SendAsync(payload);

        Assert.Equal(payload, (await backend.ReceivedAsync()).Payload);
        Assert.Equal(payload, await client.ReceiveAsync());
    }

    [Fact]
    public async Task EachClient_GetsItsOwnSession_AndItsOwnReplies()
    {
        await using var backend = new UdpBackend("a");
        await using var proxy = Create();
        var port = new ListenPort(FreePort.Udp(), TransportProtocol.Udp);
        await proxy.ApplyAsync(Routes(Route(port, Destination("a", backend.EndPoint))));

        using var first = new UdpClientSocket(port.Port);
        using var second = new UdpClientSocket(port.Port);
        await first.SendAsync("one");
        Assert.Equal("one", await first.ReceiveTextAsync());
        await second.SendAsync("two");
        Assert.Equal("two", await second.ReceiveTextAsync());

        var fromFirst = (await backend.ReceivedAsync()).From;
        var fromSecond = (await backend.ReceivedAsync()).From;
        Assert.NotEqual(fromFirst, fromSecond);
        Assert.Equal(2, Listener(proxy, port).SessionCount);
    }

    [Fact]
    public async Task Session_Closes_AfterTheIdleTimeout()
    {
        var time = new FakeTimeProvider();
        await using var backend = new UdpBackend("a");
        await using var proxy = Create(options => options.UdpSessionIdleTimeout = TimeSpan.FromSeconds(60), time);
        var port = new ListenPort(FreePort.Udp(), TransportProtocol.Udp);
        await proxy.ApplyAsync(Routes(Route(port, Destination("a", backend.EndPoint))));
        using var client = new UdpClientSocket(port.Port);
        await client.SendAsync("hello");
        Assert.Equal("hello", await client.ReceiveTextAsync());
        var listener = Listener(proxy, port);

        // Short of the timeout the session stays; past it (plus one sweep period) it is gone.
        time.Advance(TimeSpan.FromSeconds(45));
        Assert.Equal(1, listener.SessionCount);
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(0, listener.SessionCount);

        // The client's next datagram opens a fresh session.
        await client.SendAsync("again");
        Assert.Equal("again", await client.ReceiveTextAsync());
        Assert.Equal(1, listener.SessionCount);
    }

    [Fact]
    public async Task Sessions_AreBounded_PerPort()
    {
        await using var backend = new UdpBackend("a");
        await using var proxy = Create(options => options.UdpMaxSessionsPerPort = 1);
        var port = new ListenPort(FreePort.Udp(), TransportProtocol.Udp);
        await proxy.ApplyAsync(Routes(Route(port, Destination("a", backend.EndPoint))));
        using var first = new UdpClientSocket(port.Port);
        using var second = new UdpClientSocket(port.Port);
        await first.SendAsync("one");
        Assert.Equal("one", await first.ReceiveTextAsync());

        // The table is full: a new client is served by closing the session used least recently, never
        // by opening one more (each reply is awaited before the next send, so the order is fixed).
        await second.SendAsync("two");
        Assert.Equal("two", await second.ReceiveTextAsync());
        Assert.Equal(1, Listener(proxy, port).SessionCount);
        await first.SendAsync("again");
        Assert.Equal("again", await first.ReceiveTextAsync());
        Assert.Equal(1, Listener(proxy, port).SessionCount);
    }

    [Fact]
    public async Task HeldDatagrams_AreDelivered_WhenADestinationAppears()
    {
        await using var backend = new UdpBackend("a");
        await using var proxy = Create();
        var port = new ListenPort(FreePort.Udp(), TransportProtocol.Udp);
        await proxy.ApplyAsync(Routes(Route(port)));
        using var client = new UdpClientSocket(port.Port);
        await client.SendAsync("1");
        await client.SendAsync("2");
        await TestTimeouts.EventuallyAsync(() => Listener(proxy, port).SessionCount == 1);

        await proxy.ApplyAsync(Routes(Route(port, Destination("a", backend.EndPoint))));

        Assert.Equal("1", Encoding.ASCII.GetString((await backend.ReceivedAsync()).Payload));
        Assert.Equal("2", Encoding.ASCII.GetString((await backend.ReceivedAsync()).Payload));
        Assert.Equal("1", await client.ReceiveTextAsync());
        Assert.Equal("2", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task HeldDatagrams_AreDropped_AfterConnectWait()
    {
        var time = new FakeTimeProvider();
        using var metrics = MetricTotals.ForNewService();
        await using var backend = new UdpBackend("a");
        await using var proxy = Create(options => options.ConnectWait = TimeSpan.FromSeconds(30), time, metrics.Service);
        var port = new ListenPort(FreePort.Udp(), TransportProtocol.Udp);
        await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port)));
        using var client = new UdpClientSocket(port.Port);
        await client.SendAsync("stale");
        var listener = Listener(proxy, port);
        await metrics.WaitForAsync("held", 1);

        // Short of the wait the session keeps waiting; at its end the session and its datagram are dropped.
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(1, listener.SessionCount);
        time.Advance(TimeSpan.FromSeconds(1));
        await TestTimeouts.EventuallyAsync(() => listener.SessionCount == 0);
        Assert.Equal(1, metrics["udp.datagrams.dropped"]);

        await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port, Destination("a", backend.EndPoint))));
        await client.SendAsync("fresh");

        Assert.Equal("fresh", Encoding.ASCII.GetString((await backend.ReceivedAsync()).Payload));
        Assert.Equal("fresh", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Session_IsClosed_WhenItsBackendIsNoLongerRetained()
    {
        await using var a = new UdpBackend("a");
        await using var b = new UdpBackend("b");
        await using var proxy = Create();
        var port = new ListenPort(FreePort.Udp(), TransportProtocol.Udp);
        await proxy.ApplyAsync(Routes(Route(port, Destination("a", a.EndPoint))));
        using var client = new UdpClientSocket(port.Port);
        await client.SendAsync("to-a");
        Assert.Equal("to-a", await client.ReceiveTextAsync());

        await proxy.ApplyAsync(Routes(Route(port, Destination("b", b.EndPoint))));
        Assert.Equal(0, Listener(proxy, port).SessionCount);

        await client.SendAsync("to-b");
        Assert.Equal("to-b", Encoding.ASCII.GetString((await b.ReceivedAsync()).Payload));
        Assert.Equal("to-b", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Session_StaysWithItsBackend_WhileRetained()
    {
        await using var a = new UdpBackend("a");
        await using var b = new UdpBackend("b");
        await using var proxy = Create();
        var port = new ListenPort(FreePort.Udp(), TransportProtocol.Udp);
        await proxy.ApplyAsync(Routes(Route(port, Destination("a", a.EndPoint))));
        using var client = new UdpClientSocket(port.Port);
        await client.SendAsync("first");
        Assert.Equal("first", await client.ReceiveTextAsync());

        await proxy.ApplyAsync(Routes(["a"], Route(port, Destination("b", b.EndPoint))));
        await client.SendAsync("second");

        Assert.Equal("first", Encoding.ASCII.GetString((await a.ReceivedAsync()).Payload));
        Assert.Equal("second", Encoding.ASCII.GetString((await a.ReceivedAsync()).Payload));
        Assert.Equal("second", await client.ReceiveTextAsync());
    }

    private static UdpPortListener Listener(Proxy.Engine.ServiceProxy proxy, ListenPort port) =>
        Assert.IsType<UdpPortListener>(proxy.GetListener(port));
}
