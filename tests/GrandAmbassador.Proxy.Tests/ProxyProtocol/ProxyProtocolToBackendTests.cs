using System.Collections.Frozen;
using System.Net;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tests.Support;
using static GrandAmbassador.Proxy.Tests.Support.ProxyHarness;

namespace GrandAmbassador.Proxy.Tests.ProxyProtocol;

/// <summary>
/// --proxy-protocol NAME=v1|v2 and the container label: a backend reads the header before any client byte, naming the
/// test client (from 127.0.0.2, not the proxy's 127.0.0.1) and the port it connected to; a re-dialled backend gets it
/// again; and the bulk relay after it, spliced or copied, is intact.
/// </summary>
[Collection(BulkTrafficCollection.Name)]
public sealed class ProxyProtocolToBackendTests
{
    private const long Bulk = 4L * 1024 * 1024;

    /// <summary>The version (1 or 2; the enum is internal) with splice on and off.</summary>
    public static TheoryData<int, bool> VersionsAndSplice => new() { { 1, true }, { 1, false }, { 2, true }, { 2, false } };

    [Theory]
    [MemberData(nameof(VersionsAndSplice))]
    public async Task TheBackendReadsTheClientsAddress_ThenTheBytes_SplicedOrNot(int v, bool splice)
    {
        var version = (ProxyProtocolVersion)v;
        using var metrics = MetricTotals.ForNewService();
        await using var backend = TcpBackend.Manual("a");
        await using var proxy = Create(options => { options.Splice = splice; options.ProxyProtocolNames = For(metrics.Service, version); }, serviceName: metrics.Service);
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port, Destination("a", backend.EndPoint))));

        using var client = await LoopbackClient.ConnectAsync("127.0.0.2", port.Port);
        var upSent = BulkStream.SendAsync(client, Bulk, seed: 1);
        using var server = await backend.AcceptAsync();
        var header = await ReceivedProxyHeader.ReadAsync(server);
        Assert.Equal((int)version, header.Version);
        Assert.Equal(client.LocalEndPoint, header.Source);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, port.Port), header.Destination);

        var downSent = BulkStream.SendAsync(server, Bulk, seed: 2);
        var (upLength, upHash) = await BulkStream.ReceiveToEndAsync(server);
        var (downLength, downHash) = await BulkStream.ReceiveToEndAsync(client);
        Assert.Equal(Bulk, upLength);
        Assert.Equal(await upSent, upHash);
        Assert.Equal(Bulk, downLength);
        Assert.Equal(await downSent, downHash);

        // The header is not the client's: the bytes counted upstream are the client's alone.
        await metrics.WaitForAsync("bytes/upstream", Bulk);
        Assert.Equal(splice && GrandAmbassador.Proxy.Tcp.Splice.SpliceSupport.IsAvailable ? 1 : 0, metrics["spliced/upstream"]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task ABackendReplacedBeforeItsFirstByte_TheNextOneGetsTheHeaderAgain(int v)
    {
        var version = (ProxyProtocolVersion)v;
        using var metrics = MetricTotals.ForNewService();
        await using var bad = TcpBackend.Manual("bad");
        await using var good = TcpBackend.Manual("good");
        await using var proxy = Create(
            options =>
            {
                options.RetryBeforeFirstByteNames = new[] { metrics.Service }.ToFrozenSet(StringComparer.Ordinal);
                options.ProxyProtocolNames = For(metrics.Service, version);
            },
            serviceName: metrics.Service);
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port, Destination(bad.Id, bad.EndPoint), Destination(good.Id, good.EndPoint))));

        using var client = await LoopbackClient.ConnectAsync("127.0.0.2", port.Port);
        await client.SendTextAsync("GET /a\n");
        using (var first = await bad.AcceptAsync())
        {
            Assert.Equal(client.LocalEndPoint, (await ReceivedProxyHeader.ReadAsync(first)).Source);
            Assert.Equal("GET /a\n", await first.ReceiveTextAsync(7));
            first.ResetOnClose();
            first.Close();
        }

        using var second = await good.AcceptAsync();
        var header = await ReceivedProxyHeader.ReadAsync(second);
        Assert.Equal((int)version, header.Version);
        Assert.Equal(client.LocalEndPoint, header.Source);
        Assert.Equal("GET /a\n", await second.ReceiveTextAsync(7));
        await second.SendTextAsync("ok\n");
        Assert.Equal("ok", await client.ReceiveLineAsync());
        Assert.Equal(1, metrics["connections.retried"]);
    }

    [Fact]
    public async Task TheContainersLabel_AsksForTheHeader_AndTheNamesOptionWins()
    {
        using var metrics = MetricTotals.ForNewService();
        await using var labelled = TcpBackend.Manual("labelled");
        await using var plain = TcpBackend.Manual("plain");
        await using var proxy = Create(serviceName: metrics.Service);
        var (labelledPort, plainPort) = (new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp), new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp));
        await proxy.ApplyAsync(RoutesFor(
            metrics.Service,
            Route(labelledPort, new Destination("labelled", [labelled.EndPoint], ProxyProtocolVersion.V1)),
            Route(plainPort, Destination("plain", plain.EndPoint))));

        using var client = await LoopbackClient.ConnectAsync("127.0.0.2", labelledPort.Port);
        await client.SendTextAsync("hi\n");
        using (var server = await labelled.AcceptAsync())
        {
            var header = await ReceivedProxyHeader.ReadAsync(server);
            Assert.Equal((1, client.LocalEndPoint), (header.Version, (EndPoint?)header.Source));
            Assert.Equal("hi\n", await server.ReceiveTextAsync(3));
        }

        // A destination without the label, of a name without the option: the client's bytes come first, untouched.
        using var other = await LoopbackClient.ConnectAsync("127.0.0.2", plainPort.Port);
        await other.SendTextAsync("PLAIN\n");
        using (var server = await plain.AcceptAsync())
        {
            Assert.Equal("PLAIN\n", await server.ReceiveTextAsync(6));
        }

        await using var optioned = Create(options => options.ProxyProtocolNames = For(metrics.Service, ProxyProtocolVersion.V2), serviceName: metrics.Service);
        var optionedPort = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await optioned.ApplyAsync(RoutesFor(metrics.Service, Route(optionedPort, new Destination("labelled", [labelled.EndPoint], ProxyProtocolVersion.V1))));
        using var third = await LoopbackClient.ConnectAsync("127.0.0.2", optionedPort.Port);
        using (var server = await labelled.AcceptAsync())
        {
            Assert.Equal(2, (await ReceivedProxyHeader.ReadAsync(server)).Version);
        }
    }

    internal static FrozenDictionary<string, ProxyProtocolVersion> For(string service, ProxyProtocolVersion version) =>
        new Dictionary<string, ProxyProtocolVersion> { [service] = version }.ToFrozenDictionary(StringComparer.Ordinal);
}
