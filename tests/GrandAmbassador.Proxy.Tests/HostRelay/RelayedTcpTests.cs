using System.Net.Sockets;
using GrandAmbassador.Proxy.Engine;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tests.Support;
using static GrandAmbassador.Proxy.Tests.Support.ProxyHarness;

namespace GrandAmbassador.Proxy.Tests.HostRelay;

/// <summary>
/// A container on another host, reached through its host's relay over one multiplexed TLS link: what a client of the
/// fronting ambassador sees must be what it sees of a container dialled directly (TcpRelayTests).
/// </summary>
public sealed class RelayedTcpTests : IAsyncLifetime
{
    private readonly TestRelay _relay = new();
    private readonly Proxy.HostRelay.Mux.RelayLinks _links = TestRelay.ClientLinks();
    private ServiceProxy? _proxy;

    public Task InitializeAsync()
    {
        _proxy = Create(options => options.RelayLinks = _links);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _proxy!.DisposeAsync();
        await _links.DisposeAsync();
        await _relay.DisposeAsync();
    }

    [Fact]
    public async Task Relayed_CarriesBytesBothWays_MoreThanAWindowAtOnce()
    {
        await using var backend = TcpBackend.Echo("a");
        _relay.Expose("c1", backend.EndPoint);
        var port = await ListenAsync(_relay.Destination("a", "c1"));

        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        await client.SendTextAsync("hello");
        Assert.Equal("hello", await client.ReceiveTextAsync(5));

        // Four windows' worth: the sender must wait for the relay's reader to grant more, and lose nothing.
        var payload = new byte[1024 * 1024];
        Random.Shared.NextBytes(payload);
        var sending = client.SendAsync(payload.AsMemory()).AsTask();
        var echoed = await client.ReceiveExactlyAsync(payload.Length);
        await sending;
        Assert.Equal(payload, echoed);
    }

    [Fact]
    public async Task Relayed_CarriesHalfClose_FromClientToBackendAndBack()
    {
        await using var backend = TcpBackend.Manual("a");
        _relay.Expose("c1", backend.EndPoint);
        var port = await ListenAsync(_relay.Destination("a", "c1"));

        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        await client.SendTextAsync("request");
        client.Shutdown(SocketShutdown.Send);

        using var server = await backend.AcceptAsync();
        Assert.Equal("request", await server.ReceiveToEndAsync());
        await server.SendTextAsync("response");
        server.Shutdown(SocketShutdown.Send);

        Assert.Equal("response", await client.ReceiveToEndAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Relayed_PassesAResetToTheOtherSide(bool clientResets)
    {
        await using var backend = TcpBackend.Manual("a");
        _relay.Expose("c1", backend.EndPoint);
        var port = await ListenAsync(_relay.Destination("a", "c1"));

        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        using var server = await backend.AcceptAsync();
        await client.SendTextAsync("ping");
        Assert.Equal("ping", await server.ReceiveTextAsync(4));
        await server.SendTextAsync("pong");
        Assert.Equal("pong", await client.ReceiveTextAsync(4));

        var (resetting, other) = clientResets ? (client, server) : (server, client);
        resetting.ResetOnClose();
        resetting.Close();

        var error = await Assert.ThrowsAsync<SocketException>(() => other.ReceiveAsync(new byte[16].AsMemory()).AsTask().WaitAsync(TestTimeouts.Hang));
        Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
    }

    [Fact]
    public async Task ManyConnections_ShareOneLink_AndNoneGetsAnothersBytes()
    {
        await using var backend = TcpBackend.Echo("a");
        _relay.Expose("c1", backend.EndPoint);
        var port = await ListenAsync(_relay.Destination("a", "c1"));

        await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
            for (var round = 0; round < 20; round++)
            {
                var text = $"client {i:00} round {round:00};";
                await client.SendTextAsync(text);
                Assert.Equal(text, await client.ReceiveTextAsync(text.Length));
            }
        }));

        Assert.Equal(1, _relay.Links);
    }

    [Fact]
    public async Task AClientThatStopsReading_DoesNotHoldUpAnotherOnTheSameLink()
    {
        await using var backend = TcpBackend.Echo("a");
        _relay.Expose("c1", backend.EndPoint);
        var port = await ListenAsync(_relay.Destination("a", "c1"));

        // The stalled client sends far more than its window and the sockets' buffers hold, and reads nothing back.
        using var stalled = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        _ = stalled.SendAsync(new byte[16 * 1024 * 1024].AsMemory()).AsTask().ContinueWith(_ => { }, TaskScheduler.Default);

        using var other = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        for (var round = 0; round < 50; round++)
        {
            await other.SendTextAsync("still here");
            Assert.Equal("still here", await other.ReceiveTextAsync(10).WaitAsync(TestTimeouts.Hang));
        }
    }

    [Fact]
    public async Task ARelayThatRefuses_HoldsTheClient_UntilItReportsTheContainer()
    {
        await using var backend = TcpBackend.Echo("a");
        var port = await ListenAsync(_relay.Destination("a", "c1"));

        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        await client.SendTextAsync("held");

        // The relay's agent reports the container only now: the held connection goes through on the dialer's next try.
        _relay.Expose("c1", backend.EndPoint);
        Assert.Equal("held", await client.ReceiveTextAsync(4).WaitAsync(TestTimeouts.Hang));
    }

    private async Task<ListenPort> ListenAsync(Destination destination)
    {
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await _proxy!.ApplyAsync(Routes(Route(port, destination)));
        return port;
    }
}
