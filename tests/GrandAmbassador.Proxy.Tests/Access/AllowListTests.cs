using System.Collections.Frozen;
using System.Net;
using GrandAmbassador.Proxy.Access;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tests.Support;
using static GrandAmbassador.Proxy.Tests.Support.ProxyHarness;

namespace GrandAmbassador.Proxy.Tests.Access;

/// <summary>The allow-list at accept, with real loopback clients from different source addresses.</summary>
public sealed class AllowListTests
{
    private static readonly IPAddress Allowed = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress Refused = IPAddress.Parse("127.0.0.3");

    [Fact]
    public async Task AClientOnTheList_IsServed_AndOneOffIt_IsClosedAtOnceAndCounted()
    {
        using var metrics = MetricTotals.ForNewService();
        await using var backend = TcpBackend.Echo("a");
        using var factory = Factory(options => options.Access = Policy(metrics.Service, "127.0.0.2/32", "10.0.0.0/8"));
        await using var proxy = factory.Create(metrics.Service);
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port, Destination("a", backend.EndPoint))));
        var target = new IPEndPoint(IPAddress.Loopback, port.Port);

        using var refused = await SourceAddressClient.ConnectAsync(Refused, target);
        await refused.AssertClosedWithoutAByteAsync();
        using var allowed = await SourceAddressClient.ConnectAsync(Allowed, target);
        Assert.True(await allowed.EchoesAsync());

        Assert.Equal(1, metrics["connections.refused/not_allowed"]);
        Assert.Equal(1, metrics["connections.accepted"]);
        Assert.Equal(1, backend.Peak);
    }

    [Fact]
    public async Task OnADualStackListener_IPv4ClientsMatchIPv4Networks()
    {
        using var metrics = MetricTotals.ForNewService();
        await using var backend = TcpBackend.Echo("a");
        using var factory = Factory(options =>
        {
            options.ListenAddress = IPAddress.IPv6Any;
            options.Access = Policy(metrics.Service, "127.0.0.2/32");
        });
        await using var proxy = factory.Create(metrics.Service);
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port, Destination("a", backend.EndPoint))));
        var target = new IPEndPoint(IPAddress.Loopback, port.Port);

        // The listener sees these as ::ffff:127.0.0.x.
        using var allowed = await SourceAddressClient.ConnectAsync(Allowed, target);
        Assert.True(await allowed.EchoesAsync());
        using var refused = await SourceAddressClient.ConnectAsync(Refused, target);
        await refused.AssertClosedWithoutAByteAsync();
        Assert.Equal(1, metrics["connections.refused/not_allowed"]);
    }

    [Theory]
    [InlineData("::1/128", true)]
    [InlineData("fd00::/8", false)]
    [InlineData("127.0.0.0/8", false)]
    public async Task AnIPv6Client_IsJudgedByIPv6Networks(string network, bool served)
    {
        using var metrics = MetricTotals.ForNewService();
        await using var backend = TcpBackend.Echo("a");
        using var factory = Factory(options =>
        {
            options.ListenAddress = IPAddress.IPv6Loopback;
            options.Access = Policy(metrics.Service, network);
        });
        await using var proxy = factory.Create(metrics.Service);
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port, Destination("a", backend.EndPoint))));

        using var client = await SourceAddressClient.ConnectAsync(IPAddress.IPv6Loopback, new IPEndPoint(IPAddress.IPv6Loopback, port.Port));
        if (served)
        {
            Assert.True(await client.EchoesAsync());
            Assert.Equal(0, metrics["connections.refused/not_allowed"]);
        }
        else
        {
            await client.AssertClosedWithoutAByteAsync();
            Assert.Equal(1, metrics["connections.refused/not_allowed"]);
        }
    }

    [Fact]
    public async Task AnotherName_WithoutAList_ServesEveryone()
    {
        using var metrics = MetricTotals.ForNewService();
        await using var backend = TcpBackend.Echo("a");
        using var factory = Factory(options => options.Access = Policy("some-other-name", "10.0.0.0/8"));
        await using var proxy = factory.Create(metrics.Service);
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port, Destination("a", backend.EndPoint))));

        Assert.True(proxy.Access.IsOpen);
        using var client = await SourceAddressClient.ConnectAsync(Refused, new IPEndPoint(IPAddress.Loopback, port.Port));
        Assert.True(await client.EchoesAsync());
    }

    internal static IReadOnlyDictionary<string, AccessPolicy> Policy(string name, params string[] networks) =>
        new Dictionary<string, AccessPolicy> { [name] = new([.. networks.Select(IPNetwork.Parse)]) }.ToFrozenDictionary();
}
