using System.Collections.Frozen;
using System.Net;
using GrandAmbassador.Proxy.Access;
using GrandAmbassador.Proxy.ProxyProtocol;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tests.Support;
using static GrandAmbassador.Proxy.Tests.Support.ProxyHarness;

namespace GrandAmbassador.Proxy.Tests.Access;

/// <summary>
/// Behind a balancer (--accept-proxy) the client is the one the header names: the allow-list and the per-client limit
/// judge that address, not the balancer's (the socket's peer, 127.0.0.1 here, which is on no list).
/// </summary>
public sealed class AcceptProxyAccessTests
{
    private static readonly IPEndPoint Balancer = new(IPAddress.Parse("198.51.100.1"), 443);

    [Fact]
    public async Task TheHeadersClient_IsJudged_AndOneOffTheList_IsResetAndCounted()
    {
        using var metrics = MetricTotals.ForNewService();
        await using var backend = TcpBackend.Echo("a");
        using var factory = Factory(options =>
        {
            options.AcceptProxyNames = new[] { metrics.Service }.ToFrozenSet(StringComparer.Ordinal);
            options.Access = PerClientLimitTests.Policies(metrics.Service, new AccessPolicy([IPNetwork.Parse("203.0.113.0/24")], MaxConnectionsPerClient: 1));
        });
        await using var proxy = factory.Create(metrics.Service);
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port, Destination("a", backend.EndPoint))));

        using var allowed = await ConnectAsAsync(port, new IPEndPoint(IPAddress.Parse("203.0.113.7"), 4242));
        Assert.True(await allowed.EchoesAsync());
        Assert.Equal(1, proxy.Access.OpenOf(IPAddress.Parse("203.0.113.7")));

        using var refused = await ConnectAsAsync(port, new IPEndPoint(IPAddress.Parse("192.0.2.9"), 4242));
        await refused.AssertClosedWithoutAByteAsync();
        Assert.Equal(1, metrics["connections.refused/not_allowed"]);

        // The same real client a second time, through the same balancer: past its limit of one.
        using var second = await ConnectAsAsync(port, new IPEndPoint(IPAddress.Parse("203.0.113.7"), 4243));
        await second.AssertClosedWithoutAByteAsync();
        Assert.Equal(1, metrics["connections.refused/per_client_limit"]);

        // Its first connection closing gives its place back.
        allowed.Dispose();
        await TestTimeouts.EventuallyAsync(() => proxy.Access.OpenOf(IPAddress.Parse("203.0.113.7")) == 0);
    }

    private static async Task<System.Net.Sockets.Socket> ConnectAsAsync(ListenPort port, IPEndPoint client)
    {
        var socket = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        await socket.SendAsync(ProxyHeaderWriter.Create(ProxyProtocolVersion.V1, client, Balancer));
        return socket;
    }
}
