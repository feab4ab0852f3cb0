using System.Collections.Frozen;
using System.Net.Sockets;
using GrandAmbassador.Proxy.Engine;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tcp;
using GrandAmbassador.Proxy.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static GrandAmbassador.Proxy.Tests.Support.ProxyHarness;

namespace GrandAmbassador.Proxy.Tests.Tcp;

/// <summary>
/// --retry-before-first-byte: a backend that goes away before its first byte is replaced by the next destination,
/// which gets the client's bytes verbatim; without the option the client sees what the backend did. A fresh proxy's
/// first connection goes to the first destination, so "bad" is always dialled first.
/// </summary>
public sealed class RetryBeforeFirstByteTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task BackendGoneBeforeItsFirstByte_TheNextDestinationAnswers_AndTheClientSeesNoError(bool reset)
    {
        var how = reset ? PeerClose.Reset : PeerClose.Fin;
        using var metrics = MetricTotals.ForNewService();
        await using var bad = TcpBackend.Manual("bad");
        await using var good = TcpBackend.Echo("good");
        await using var proxy = Create(RetryFor(metrics.Service), serviceName: metrics.Service);
        var port = await ListenAsync(proxy, metrics.Service, bad, good);

        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        await client.SendTextAsync("GET /a\n");
        using (var first = await bad.AcceptAsync())
        {
            // The first backend had the request, and went away without a byte.
            Assert.Equal("GET /a\n", await first.ReceiveTextAsync(7));
            Close(first, how);
        }

        Assert.Equal("GET /a\n", await client.ReceiveTextAsync(7));
        await client.SendTextAsync("GET /b\n");
        Assert.Equal("GET /b\n", await client.ReceiveTextAsync(7));
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(PeerClose.Fin, await client.ReceiveCloseAsync());
        Assert.Equal(1, metrics["connections.retried"]);
        await metrics.WaitForAsync("bytes/upstream", 14);

        // The retry left the rotation alone: the next new connection starts at the next destination, the good one
        // (had it gone to the bad one, which accepts no more here, nothing would answer).
        using var next = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        await next.SendTextAsync("GET /c\n");
        Assert.Equal("GET /c\n", await next.ReceiveTextAsync(7));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WithoutTheOption_TheClientSeesWhatTheBackendDid(bool reset)
    {
        var how = reset ? PeerClose.Reset : PeerClose.Fin;
        using var metrics = MetricTotals.ForNewService();
        await using var bad = TcpBackend.Manual("bad");
        await using var good = TcpBackend.Echo("good");
        await using var proxy = Create(serviceName: metrics.Service);
        var port = await ListenAsync(proxy, metrics.Service, bad, good);

        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        await client.SendTextAsync("GET /a\n");
        using (var first = await bad.AcceptAsync())
        {
            Assert.Equal("GET /a\n", await first.ReceiveTextAsync(7));
            Close(first, how);
        }

        Assert.Equal(how, await client.ReceiveCloseAsync());
        Assert.Equal(0, metrics["connections.retried"]);
    }

    [Fact]
    public async Task ServerSpeaksFirst_AResetBeforeTheGreeting_IsRetriedWithNothingToReplay()
    {
        using var metrics = MetricTotals.ForNewService();
        await using var bad = TcpBackend.Manual("bad");
        await using var good = TcpBackend.Greeting("good");
        await using var proxy = Create(RetryFor(metrics.Service), serviceName: metrics.Service);
        var port = await ListenAsync(proxy, metrics.Service, bad, good);

        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        using (var first = await bad.AcceptAsync())
        {
            // Only once the proxy's connect has completed: a reset before that fails the connect itself (the
            // ordinary fail-over to the next destination, with or without the option).
            await TestTimeouts.EventuallyAsync(() => proxy.TcpListener(port).BackendIds.Contains("bad"));
            Close(first, PeerClose.Reset);
        }

        Assert.Equal("good", await client.ReceiveLineAsync());
        Assert.Equal(1, metrics["connections.retried"]);
    }

    [Fact]
    public async Task MoreThanTheReplayLimitBeforeTheFirstByte_IsNotRetried()
    {
        using var metrics = MetricTotals.ForNewService();
        await using var bad = TcpBackend.Manual("bad");
        await using var good = TcpBackend.Echo("good");
        await using var proxy = Create(RetryFor(metrics.Service), serviceName: metrics.Service);
        var port = await ListenAsync(proxy, metrics.Service, bad, good);

        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        var upload = new byte[FirstByteGuard.ReplayLimit + 1];
        await client.SendAsync(upload);
        using (var first = await bad.AcceptAsync())
        {
            await first.ReceiveExactlyAsync(upload.Length);
            Close(first, PeerClose.Reset);
        }

        Assert.Equal(PeerClose.Reset, await client.ReceiveCloseAsync());
        Assert.Equal(0, metrics["connections.retried"]);
    }

    [Fact]
    public async Task ABackendGoneAfterTheWindow_IsNotReplaced()
    {
        using var metrics = MetricTotals.ForNewService();
        await using var bad = TcpBackend.Manual("bad");
        await using var good = TcpBackend.Echo("good");
        var clock = new FakeTimeProvider();
        await using var proxy = Create(RetryFor(metrics.Service), clock, metrics.Service);
        var port = await ListenAsync(proxy, metrics.Service, bad, good);

        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        await client.SendTextAsync("GET /a\n");
        using (var first = await bad.AcceptAsync())
        {
            Assert.Equal("GET /a\n", await first.ReceiveTextAsync(7));
            // The window started before the guard read the client's bytes, which the backend now has.
            clock.Advance(new ProxyOptions().RetryBeforeFirstByteWindow);
            Close(first, PeerClose.Reset);
        }

        Assert.Equal(PeerClose.Reset, await client.ReceiveCloseAsync());
        Assert.Equal(0, metrics["connections.retried"]);
    }

    [Fact]
    public async Task ACleanCloseAfterTheClientHalfClosed_IsNotRetried()
    {
        // A server that read a whole request (up to the client's FIN) and had nothing to say: fire-and-forget.
        using var metrics = MetricTotals.ForNewService();
        await using var bad = TcpBackend.Manual("bad");
        await using var good = TcpBackend.Echo("good");
        await using var proxy = Create(RetryFor(metrics.Service), serviceName: metrics.Service);
        var port = await ListenAsync(proxy, metrics.Service, bad, good);

        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        await client.SendTextAsync("log line\n");
        client.Shutdown(SocketShutdown.Send);
        using (var first = await bad.AcceptAsync())
        {
            Assert.Equal("log line\n", await first.ReceiveToEndAsync());
            Close(first, PeerClose.Fin);
        }

        Assert.Equal(PeerClose.Fin, await client.ReceiveCloseAsync());
        Assert.Equal(0, metrics["connections.retried"]);
    }

    [Fact]
    public async Task ABackendNoLongerRetained_WhileItsFirstByteIsAwaited_ClosesTheConnection_WithoutARetry()
    {
        using var metrics = MetricTotals.ForNewService();
        await using var bad = TcpBackend.Manual("bad");
        await using var good = TcpBackend.Echo("good");
        await using var proxy = Create(RetryFor(metrics.Service), serviceName: metrics.Service);
        var port = await ListenAsync(proxy, metrics.Service, bad, good);

        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        await client.SendTextAsync("GET /a\n");
        using var first = await bad.AcceptAsync();
        Assert.Equal("GET /a\n", await first.ReceiveTextAsync(7));

        // The container died: only evidence closes a connection, and a closed one is not replayed elsewhere.
        await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port, Destination(good.Id, good.EndPoint))));

        Assert.Equal(PeerClose.Reset, await client.ReceiveCloseAsync());
        Assert.Equal(PeerClose.Reset, await first.ReceiveCloseAsync());
        Assert.Equal(0, metrics["connections.retried"]);
    }

    [Fact]
    public async Task NoOtherDestination_TheResetReachesTheClient()
    {
        using var metrics = MetricTotals.ForNewService();
        await using var bad = TcpBackend.Manual("bad");
        await using var proxy = Create(RetryFor(metrics.Service), serviceName: metrics.Service);
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port, Destination("bad", bad.EndPoint))));

        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        await client.SendTextAsync("GET /a\n");
        using (var first = await bad.AcceptAsync())
        {
            Assert.Equal("GET /a\n", await first.ReceiveTextAsync(7));
            Close(first, PeerClose.Reset);
        }

        Assert.Equal(PeerClose.Reset, await client.ReceiveCloseAsync());
        Assert.Equal(0, metrics["connections.retried"]);
    }

    private static Action<ProxyOptions> RetryFor(string service) =>
        options => options.RetryBeforeFirstByteNames = new[] { service }.ToFrozenSet(StringComparer.Ordinal);

    private static async Task<ListenPort> ListenAsync(ServiceProxy proxy, string service, TcpBackend first, TcpBackend second)
    {
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(RoutesFor(service, Route(port, Destination(first.Id, first.EndPoint), Destination(second.Id, second.EndPoint))));
        return port;
    }

    /// <summary>An RST (linger 0, as a crashing or overloaded server does), or a FIN with nothing sent.</summary>
    private static void Close(Socket backend, PeerClose how)
    {
        if (how == PeerClose.Reset)
        {
            backend.ResetOnClose();
        }

        backend.Close();
    }
}
