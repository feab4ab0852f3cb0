using System.Collections.Frozen;
using System.Net;
using System.Net.Sockets;
using System.Text;
using GrandAmbassador.Proxy.Engine;
using GrandAmbassador.Proxy.Hosting;
using GrandAmbassador.Proxy.ProxyProtocol;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tests.Support;
using static GrandAmbassador.Proxy.Tests.Support.ProxyHarness;

namespace GrandAmbassador.Proxy.Tests.ProxyProtocol;

/// <summary>
/// --accept-proxy: the client's header names the client from then on (passed on to a backend with --proxy-protocol);
/// a client without a valid header is closed, counted and never forwarded; a v2 LOCAL keeps the socket's address.
/// </summary>
public sealed class AcceptProxyTests
{
    private static readonly IPEndPoint Original = new(IPAddress.Parse("203.0.113.7"), 4242);
    private static readonly IPEndPoint Balancer = new(IPAddress.Parse("198.51.100.1"), 443);

    [Theory]
    [InlineData(1, true)]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(2, false)]
    public async Task TheBackendSeesTheClientTheHeaderNamed_AndTheBytesAfterIt(int incoming, bool splice)
    {
        using var metrics = MetricTotals.ForNewService();
        await using var backend = TcpBackend.Manual("a");
        await using var proxy = Create(options => { options.Splice = splice; Accept(metrics.Service)(options); }, serviceName: metrics.Service);
        var port = await ListenAsync(proxy, metrics.Service, backend);

        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);

        // The header and the first bytes in one send, as a balancer's first segment often is: none of them may be lost.
        var header = ProxyHeaderWriter.Create((ProxyProtocolVersion)incoming, Original, Balancer);
        await client.SendAsync(header.Concat(Encoding.ASCII.GetBytes("hello\n")).ToArray());
        using var server = await backend.AcceptAsync();
        var passedOn = await ReceivedProxyHeader.ReadAsync(server);
        Assert.Equal(Original, passedOn.Source);
        Assert.Equal(Balancer, passedOn.Destination);
        Assert.Equal("hello\n", await server.ReceiveTextAsync(6));
        await server.SendTextAsync("world\n");
        Assert.Equal("world", await client.ReceiveLineAsync());
        Assert.Equal(0, metrics["connections.proxy_header_refused/missing"]);
        Assert.Equal(Original, Assert.Single(proxy.TcpListener(port).ClientEndPoints));
    }

    [Fact]
    public async Task AHeaderInPieces_IsReadWhole()
    {
        using var metrics = MetricTotals.ForNewService();
        await using var backend = TcpBackend.Manual("a");
        await using var proxy = Create(Accept(metrics.Service), serviceName: metrics.Service);
        var port = await ListenAsync(proxy, metrics.Service, backend);

        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        client.NoDelay = true;
        var header = ProxyHeaderWriter.Create(ProxyProtocolVersion.V1, Original, Balancer);
        foreach (var piece in header.Chunk(7))
        {
            await client.SendAsync(piece);
        }

        await client.SendTextAsync("x");
        using var server = await backend.AcceptAsync();
        Assert.Equal(Original, (await ReceivedProxyHeader.ReadAsync(server)).Source);
        Assert.Equal("x", await server.ReceiveTextAsync(1));
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\n\r\n", "missing")]
    [InlineData("PROXY TCP4 203.0.113.7 198.51.100.1 4242\r\n", "malformed")]
    [InlineData("PROXY TCP4 203.0.113.7", "ended")]
    public async Task AClientWithoutAValidHeader_IsClosed_Counted_AndNeverForwarded(string sent, string reason)
    {
        using var metrics = MetricTotals.ForNewService();
        await using var backend = TcpBackend.Echo("a");
        await using var proxy = Create(Accept(metrics.Service), serviceName: metrics.Service);
        var port = await ListenAsync(proxy, metrics.Service, backend);

        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        await client.SendTextAsync(sent);
        if (reason == "ended")
        {
            client.Shutdown(SocketShutdown.Send);
        }

        // An echo backend would answer a forwarded connection; this one is closed instead.
        await client.ReceiveCloseAsync();
        await metrics.WaitForAsync($"connections.proxy_header_refused/{reason}", 1);
        Assert.Equal(0, backend.Peak);
        Assert.Equal(0, metrics["bytes/upstream"]);
    }

    [Fact]
    public async Task Refusals_AreEachCounted_ButLoggedAtMostOnceASecondPerPort()
    {
        using var metrics = MetricTotals.ForNewService();
        var log = new WarningLog();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var backend = TcpBackend.Echo("a");
        var options = new ProxyOptions { ListenAddress = IPAddress.Loopback, DataPath = TestDataPath.Current };
        Accept(metrics.Service)(options);
        using var loggers = log.Factory();
        await using var proxy = new ServiceProxyFactory(Microsoft.Extensions.Options.Options.Create(options), loggers, clock).Create(metrics.Service);
        var port = await ListenAsync(proxy, metrics.Service, backend);

        for (var i = 1; i <= 3; i++)
        {
            using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
            await client.SendTextAsync("GET / HTTP/1.1\r\n\r\n");
            await client.ReceiveCloseAsync();
            await metrics.WaitForAsync("connections.proxy_header_refused/missing", i);
        }

        Assert.Single(log.Lines, line => line.EventId == 601);

        // A second later the next refusal is logged, saying how many went unlogged meanwhile.
        clock.Advance(TimeSpan.FromSeconds(1));
        using (var client = await SocketTestExtensions.ConnectTcpAsync(port.Port))
        {
            await client.SendTextAsync("GET / HTTP/1.1\r\n\r\n");
            await client.ReceiveCloseAsync();
        }

        await TestTimeouts.EventuallyAsync(() => log.Lines.Count(line => line.EventId == 601) == 2);
        Assert.Contains("2 more such connection(s)", log.Lines.Last(line => line.EventId == 601).Message);
    }

    [Fact]
    public async Task AClientThatSendsNothing_IsClosedAtTheTimeout()
    {
        using var metrics = MetricTotals.ForNewService();
        await using var backend = TcpBackend.Echo("a");
        await using var proxy = Create(options => { Accept(metrics.Service)(options); options.AcceptProxyTimeout = TimeSpan.FromMilliseconds(300); }, serviceName: metrics.Service);
        var port = await ListenAsync(proxy, metrics.Service, backend);

        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        await client.SendTextAsync("PROX");
        await client.ReceiveCloseAsync();
        await metrics.WaitForAsync("connections.proxy_header_refused/timeout", 1);
        Assert.Equal(0, backend.Peak);
    }

    [Fact]
    public async Task AConnectionClosedByTheProxyWhileItWaitsForItsHeader_IsNotCountedAsRefused()
    {
        using var metrics = MetricTotals.ForNewService();
        await using var backend = TcpBackend.Echo("a");
        await using var proxy = Create(options => { Accept(metrics.Service)(options); options.DrainTimeout = TimeSpan.FromMilliseconds(100); }, serviceName: metrics.Service);
        var port = await ListenAsync(proxy, metrics.Service, backend);

        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        await client.SendTextAsync("PROXY TCP4 ");
        var listener = proxy.TcpListener(port);
        await TestTimeouts.EventuallyAsync(() => listener.ConnectionCount == 1);

        // A drain's deadline closes it with a FIN, and the drain waits for it to end: every count it would make is
        // made by then. (A port's close cancels the wait instead, which never counted.) The port's series leave
        // /metrics once it has closed, so its counts are read from the port itself.
        await proxy.DrainAsync(CancellationToken.None).WaitAsync(TestTimeouts.Hang);
        await client.ReceiveCloseAsync();
        var counts = listener.Context.Counts;
        Assert.Equal(0, counts.ProxyHeaderEnded.Value + counts.ProxyHeaderTimedOut.Value + counts.ProxyHeaderMissing.Value + counts.ProxyHeaderMalformed.Value);
    }

    [Fact]
    public async Task AnOversizeV2Header_IsRefused()
    {
        using var metrics = MetricTotals.ForNewService();
        await using var backend = TcpBackend.Echo("a");
        await using var proxy = Create(Accept(metrics.Service), serviceName: metrics.Service);
        var port = await ListenAsync(proxy, metrics.Service, backend);

        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        var header = ProxyHeaderWriter.Create(ProxyProtocolVersion.V2, Original, Balancer);
        header[14] = 0xFF; // announces ~64 KiB of TLVs
        await client.SendAsync(header);
        await client.ReceiveCloseAsync();
        await metrics.WaitForAsync("connections.proxy_header_refused/malformed", 1);
    }

    [Fact]
    public async Task AV2LocalHeader_AHealthCheck_KeepsTheSocketsAddress()
    {
        using var metrics = MetricTotals.ForNewService();
        await using var backend = TcpBackend.Manual("a");
        await using var proxy = Create(Accept(metrics.Service), serviceName: metrics.Service);
        var port = await ListenAsync(proxy, metrics.Service, backend);

        using var client = await LoopbackClient.ConnectAsync("127.0.0.2", port.Port);
        await client.SendAsync(ProxyHeaderWriter.CreateV2Local());
        using var server = await backend.AcceptAsync();
        Assert.Equal(client.LocalEndPoint, (await ReceivedProxyHeader.ReadAsync(server)).Source);
    }

    [Fact]
    public async Task WithoutTheOption_AHeaderIsJustTheClientsBytes()
    {
        using var metrics = MetricTotals.ForNewService();
        await using var backend = TcpBackend.Manual("a");
        await using var proxy = Create(serviceName: metrics.Service);
        var port = await ListenAsync(proxy, metrics.Service, backend);

        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        var header = ProxyHeaderWriter.Create(ProxyProtocolVersion.V1, Original, Balancer);
        await client.SendAsync(header);
        using var server = await backend.AcceptAsync();
        Assert.Equal(header, await server.ReceiveExactlyAsync(header.Length));
    }

    /// <summary>Accepts a header from clients and passes the client on to the backend with v2.</summary>
    private static Action<ProxyOptions> Accept(string service) =>
        options =>
        {
            options.AcceptProxyNames = new[] { service }.ToFrozenSet(StringComparer.Ordinal);
            options.ProxyProtocolNames = ProxyProtocolToBackendTests.For(service, ProxyProtocolVersion.V2);
        };

    private static async Task<ListenPort> ListenAsync(ServiceProxy proxy, string service, TcpBackend backend)
    {
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(RoutesFor(service, Route(port, Destination(backend.Id, backend.EndPoint))));
        return port;
    }
}
