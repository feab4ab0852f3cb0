using System.Net.Sockets;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tests.Support;
using static GrandAmbassador.Proxy.Tests.Support.ProxyHarness;

namespace GrandAmbassador.Proxy.Tests.Hosting;

public sealed class ServiceProxyTests
{
    [Fact]
    public async Task Dispose_ClosesListenersAndEveryConnection()
    {
        await using var a = TcpBackend.Echo("a");
        var proxy = Create();
        var routed = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        var empty = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        var udp = new ListenPort(FreePort.Udp(), TransportProtocol.Udp);
        await proxy.ApplyAsync(Routes(Route(routed, Destination("a", a.EndPoint)), Route(empty), Route(udp)));
        using var relayed = await SocketTestExtensions.ConnectTcpAsync(routed.Port);
        await relayed.SendTextAsync("x");
        Assert.Equal("x", await relayed.ReceiveTextAsync(1));
        using var held = await SocketTestExtensions.ConnectTcpAsync(empty.Port);

        await proxy.DisposeAsync().AsTask().WaitAsync(TestTimeouts.Hang);

        Assert.Equal(PeerClose.Reset, await relayed.ReceiveCloseAsync());
        Assert.Equal(PeerClose.Reset, await held.ReceiveCloseAsync());
        Assert.Null(proxy.GetListener(routed));
        var error = await Assert.ThrowsAsync<SocketException>(() => SocketTestExtensions.ConnectTcpAsync(routed.Port));
        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => proxy.ApplyAsync(Routes(), CancellationToken.None));
    }

    [Fact]
    public async Task Apply_RejectsRoutesOfAnotherService()
    {
        await using var proxy = Create();
        var routes = Routes() with { ServiceName = "other" };

        await Assert.ThrowsAsync<ArgumentException>(() => proxy.ApplyAsync(routes, CancellationToken.None));
    }

    [Fact]
    public async Task Apply_RejectsAPortListedTwice()
    {
        await using var proxy = Create();
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);

        await Assert.ThrowsAsync<ArgumentException>(() => proxy.ApplyAsync(Routes(Route(port), Route(port)), CancellationToken.None));
        Assert.Null(proxy.GetListener(port));
    }

    [Fact]
    public async Task State_SaysWhatListensAndWhatIsTaken_AndSignalsEveryChange()
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Any, 0));
        taken.Listen();
        var busy = new ListenPort(((System.Net.IPEndPoint)taken.LocalEndPoint!).Port, TransportProtocol.Tcp);
        var free = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        var proxy = Create();
        var before = proxy.State;
        Assert.Empty(before.Listening);
        Assert.False(before.ListensOnEveryRoutedPort);

        await proxy.ApplyAsync(Routes(Route(free), Route(busy)), CancellationToken.None);

        Assert.True(before.Changed.IsCompletedSuccessfully);
        var applied = proxy.State;
        Assert.Equal(before.Version + 1, applied.Version);
        Assert.Equal([free], applied.Listening.Select(bound => bound.Port));
        Assert.Equal(free.Port, applied.LocalEndPoint(free)!.Port);
        Assert.Equal([busy], applied.Failures.Select(failure => failure.Port));
        Assert.False(applied.ListensOnEveryRoutedPort);
        Assert.False(applied.Changed.IsCompleted);

        taken.Close();
        await proxy.ApplyAsync(Routes(Route(free), Route(busy)), CancellationToken.None);
        Assert.True(applied.Changed.IsCompletedSuccessfully);
        Assert.True(proxy.State.ListensOnEveryRoutedPort);
        Assert.Empty(proxy.State.Failures);

        var open = proxy.State;
        await proxy.DisposeAsync();
        Assert.True(open.Changed.IsCompletedSuccessfully);
        Assert.True(proxy.State.Closed);
        Assert.Empty(proxy.State.Listening);
    }
}
