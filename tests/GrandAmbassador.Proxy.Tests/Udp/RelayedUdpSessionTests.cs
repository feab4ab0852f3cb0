using System.Net;
using System.Text;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tests.ProxyProtocol;
using GrandAmbassador.Proxy.Tests.Support;
using GrandAmbassador.Proxy.Udp;
using Microsoft.Extensions.Time.Testing;
using static GrandAmbassador.Proxy.Tests.Support.ProxyHarness;

namespace GrandAmbassador.Proxy.Tests.Udp;

/// <summary>
/// The ambassador's end of UDP through a host's relay (issue 17): a session per client as on the direct path, each a
/// relayed connection of its own (a TCP connection to a plaintext relay, or a stream of the multiplexed TLS link) that
/// asks the relay for the container's UDP port and carries the session's datagrams framed.
/// </summary>
public sealed class RelayedUdpSessionTests
{
    private const string Container = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private const int ContainerPort = 5353;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ASession_AsksTheRelayForTheContainersUdpPort_AndCarriesDatagramsBothWays(bool multiplexed)
    {
        await using var relay = new EchoingRelay(multiplexed);
        await using var links = relay.ClientLinks();
        await using var proxy = Create(options => options.RelayLinks = links);
        var port = await ApplyRelayedAsync(proxy, relay);

        using var client = new UdpClientSocket(port.Port);
        await client.SendAsync("ping");
        Assert.Equal("ping", await client.ReceiveTextAsync());
        await client.SendAsync("pong");
        Assert.Equal("pong", await client.ReceiveTextAsync());

        var request = await relay.Requests.Reader.ReadAsync().AsTask().WaitAsync(TestTimeouts.Hang);
        Assert.Equal(("udp", Container, ContainerPort, Service), (request.Protocol, request.Container, request.Port, request.Name));
        Assert.Equal(IPEndPoint.Parse(request.Client!).Port, client.LocalEndPoint.Port);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TenClients_AThousandDatagrams_EachClientGetsItsOwnEchoesOnly_OverALinkEach(bool multiplexed)
    {
        await using var relay = new EchoingRelay(multiplexed);
        await using var links = relay.ClientLinks();
        await using var proxy = Create(options => options.RelayLinks = links);
        var port = await ApplyRelayedAsync(proxy, relay);

        await Task.WhenAll(Enumerable.Range(0, 10).Select(async number =>
        {
            using var client = new UdpClientSocket(port.Port);
            for (var i = 0; i < 100; i++)
            {
                // One at a time per client: UDP may drop, but a loopback echo of one datagram in flight does not.
                var sent = $"client {number} datagram {i}";
                await client.SendAsync(sent);
                Assert.Equal(sent, await client.ReceiveTextAsync());
            }
        }));

        Assert.Equal(10, Listener(proxy, port).SessionCount);
        for (var link = 0; link < 10; link++)
        {
            await relay.Requests.Reader.ReadAsync().AsTask().WaitAsync(TestTimeouts.Hang);
        }

        Assert.False(relay.Requests.Reader.TryRead(out _));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WithProxyProtocolV2_EachFramedDatagramStartsWithTheHeaderNamingItsClient(bool multiplexed)
    {
        using var metrics = MetricTotals.ForNewService();
        await using var relay = new EchoingRelay(multiplexed);
        await using var links = relay.ClientLinks();
        await using var proxy = Create(
            options =>
            {
                options.ProxyProtocolNames = ProxyProtocolToBackendTests.For(metrics.Service, ProxyProtocolVersion.V2);
                options.RelayLinks = links;
            },
            serviceName: metrics.Service);
        var port = await ApplyRelayedAsync(proxy, relay, metrics.Service);

        using var client = new UdpClientSocket(port.Port);
        var payload = new byte[65_507 - 28];
        Random.Shared.NextBytes(payload);
        await client.SendAsync(payload);

        var (header, carried) = ReceivedProxyHeader.Split(await relay.Datagrams.Reader.ReadAsync().AsTask().WaitAsync(TestTimeouts.Hang));
        Assert.Equal(payload, carried);
        Assert.Equal(client.LocalEndPoint, header.Source);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, port.Port), header.Destination);
        Assert.True(header.Datagram);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DatagramsHeldBeforeTheRelayIsRouted_GoThroughItInOrder(bool multiplexed)
    {
        await using var relay = new EchoingRelay(multiplexed);
        await using var links = relay.ClientLinks();
        await using var proxy = Create(options => options.RelayLinks = links);
        var port = new ListenPort(FreePort.Udp(), TransportProtocol.Udp);
        await proxy.ApplyAsync(Routes(Route(port)));
        using var client = new UdpClientSocket(port.Port);
        foreach (var held in new[] { "1", "2", "3" })
        {
            await client.SendAsync(held);
        }

        await TestTimeouts.EventuallyAsync(() => Listener(proxy, port).SessionCount == 1);
        await ApplyRelayedAsync(proxy, relay, port: port);

        foreach (var expected in new[] { "1", "2", "3" })
        {
            Assert.Equal(expected, Encoding.ASCII.GetString(await relay.Datagrams.Reader.ReadAsync().AsTask().WaitAsync(TestTimeouts.Hang)));
            Assert.Equal(expected, await client.ReceiveTextAsync());
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TheIdleTimeout_EndsTheSessionAtTheRelayToo(bool multiplexed)
    {
        var time = new FakeTimeProvider();
        await using var relay = new EchoingRelay(multiplexed);
        await using var links = relay.ClientLinks();
        await using var proxy = Create(
            options =>
            {
                options.UdpSessionIdleTimeout = TimeSpan.FromSeconds(60);
                options.RelayLinks = links;
            },
            time);
        var port = await ApplyRelayedAsync(proxy, relay);
        using var client = new UdpClientSocket(port.Port);
        await client.SendAsync("hello");
        Assert.Equal("hello", await client.ReceiveTextAsync());

        time.Advance(TimeSpan.FromSeconds(45));
        Assert.False(relay.Ended.Reader.TryRead(out _));
        time.Advance(TimeSpan.FromSeconds(30));

        await relay.Ended.Reader.ReadAsync().AsTask().WaitAsync(TestTimeouts.Hang);
        Assert.Equal(0, Listener(proxy, port).SessionCount);
        await client.SendAsync("again");
        Assert.Equal("again", await client.ReceiveTextAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TheRelayClosingTheSession_EndsIt_AndTheClientsNextDatagramOpensANewOne(bool multiplexed)
    {
        await using var relay = new EchoingRelay(multiplexed);
        await using var links = relay.ClientLinks();
        await using var proxy = Create(options => options.RelayLinks = links);
        var port = await ApplyRelayedAsync(proxy, relay);
        using var client = new UdpClientSocket(port.Port);
        await client.SendAsync("first");
        Assert.Equal("first", await client.ReceiveTextAsync());

        relay.CloseSessions();
        await relay.Ended.Reader.ReadAsync().AsTask().WaitAsync(TestTimeouts.Hang);
        await TestTimeouts.EventuallyAsync(() => Listener(proxy, port).SessionCount == 0);

        await client.SendAsync("second");
        Assert.Equal("second", await client.ReceiveTextAsync());
        for (var link = 0; link < 2; link++)
        {
            await relay.Requests.Reader.ReadAsync().AsTask().WaitAsync(TestTimeouts.Hang);
        }
    }

    /// <summary>A UDP port whose one destination is a container on another host, behind <paramref name="relay"/>.</summary>
    private static async Task<ListenPort> ApplyRelayedAsync(Proxy.Engine.ServiceProxy proxy, EchoingRelay relay, string service = Service, ListenPort? port = null)
    {
        var listen = port ?? new ListenPort(FreePort.Udp(), TransportProtocol.Udp);
        var destination = new Destination("host-a/container", [relay.EndPoint], Relay: new RelayHop("host-a", service, Container, ContainerPort));
        await proxy.ApplyAsync(RoutesFor(service, Route(listen, destination)));
        return listen;
    }

    private static UdpPortListener Listener(Proxy.Engine.ServiceProxy proxy, ListenPort port) => proxy.UdpListener(port);
}
