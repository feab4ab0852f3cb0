using System.Net;
using System.Net.Sockets;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tests.Support;
using static GrandAmbassador.Proxy.Tests.Support.ProxyHarness;

namespace GrandAmbassador.Proxy.Tests.Tcp;

public sealed class ApplyTests
{
    [Fact]
    public async Task Apply_PointsNewConnectionsAtNewDestinations_AndKeepsRetainedOnes()
    {
        await using var a = TcpBackend.Greeting("a");
        await using var b = TcpBackend.Greeting("b");
        await using var proxy = Create();
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(Routes(Route(port, Destination("a", a.EndPoint))));
        using var old = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        Assert.Equal("a", await old.ReceiveLineAsync());

        await proxy.ApplyAsync(Routes(["a"], Route(port, Destination("b", b.EndPoint))));
        using var fresh = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        Assert.Equal("b", await fresh.ReceiveLineAsync());

        // "a" is retained, so the old connection still relays.
        await old.SendTextAsync("still");
        Assert.Equal("still", await old.ReceiveTextAsync(5));
    }

    [Fact]
    public async Task Apply_ClosesConnectionsBothWays_ToBackendsNoLongerRetained()
    {
        await using var a = TcpBackend.Manual("a");
        await using var b = TcpBackend.Greeting("b");
        await using var proxy = Create();
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(Routes(Route(port, Destination("a", a.EndPoint))));
        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        using var server = await a.AcceptAsync();

        await proxy.ApplyAsync(Routes(Route(port, Destination("b", b.EndPoint))));

        // Reset, not FIN: a FIN would read as a complete answer to whatever the client had asked.
        Assert.Equal(PeerClose.Reset, await client.ReceiveCloseAsync());
        Assert.Equal(PeerClose.Reset, await server.ReceiveCloseAsync());
    }

    [Fact]
    public async Task Apply_StopsListening_OnPortsGoneFromTheSnapshot()
    {
        await using var proxy = Create();
        var kept = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        var removed = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(Routes(Route(kept), Route(removed)));
        using (await SocketTestExtensions.ConnectTcpAsync(removed.Port))
        {
        }

        await proxy.ApplyAsync(Routes(Route(kept)));

        Assert.NotNull(proxy.GetListener(kept));
        Assert.Null(proxy.GetListener(removed));
        var error = await Assert.ThrowsAsync<SocketException>(() => SocketTestExtensions.ConnectTcpAsync(removed.Port));
        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
    }

    [Fact]
    public async Task Apply_StartsListening_OnPortsNewInTheSnapshot()
    {
        await using var a = TcpBackend.Greeting("a");
        await using var proxy = Create();
        var first = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        var added = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(Routes(Route(first)));

        await proxy.ApplyAsync(Routes(Route(first), Route(added, Destination("a", a.EndPoint))));

        Assert.Equal(new IPEndPoint(IPAddress.Loopback, added.Port), proxy.LocalEndPoint(added));
        using var client = await SocketTestExtensions.ConnectTcpAsync(added.Port);
        Assert.Equal("a", await client.ReceiveLineAsync());
    }

    [Fact]
    public async Task Apply_ReturnsPortsThatCannotBeBound_AndRetriesThemNextTime()
    {
        await using var proxy = Create();
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        var occupant = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        occupant.Bind(new IPEndPoint(IPAddress.Loopback, port.Port));
        occupant.Listen();

        var failures = await proxy.ApplyAsync(Routes(Route(port)), CancellationToken.None);
        Assert.Equal(port, Assert.Single(failures).Port);
        Assert.Null(proxy.GetListener(port));

        occupant.Dispose();
        await proxy.ApplyAsync(Routes(Route(port)));
        Assert.NotNull(proxy.GetListener(port));
    }

    [Fact]
    public async Task Listener_BindsAFreePort_WhenAskedForPortZero()
    {
        await using var proxy = Create();
        var port = new ListenPort(0, TransportProtocol.Tcp);
        await proxy.ApplyAsync(Routes(Route(port)));

        var bound = proxy.LocalEndPoint(port);
        Assert.NotNull(bound);
        Assert.NotEqual(0, bound.Port);
    }
}
