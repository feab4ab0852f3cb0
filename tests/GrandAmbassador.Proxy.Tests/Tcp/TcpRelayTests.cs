using System.Net.Sockets;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tests.Support;
using static GrandAmbassador.Proxy.Tests.Support.ProxyHarness;

namespace GrandAmbassador.Proxy.Tests.Tcp;

public sealed class TcpRelayTests
{
    [Fact]
    public async Task Relay_CarriesBytesBothWays()
    {
        await using var backend = TcpBackend.Echo("a");
        await using var proxy = Create();
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(Routes(Route(port, Destination("a", backend.EndPoint))));

        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        await client.SendTextAsync("hello");
        Assert.Equal("hello", await client.ReceiveTextAsync(5));

        // More than several buffers' worth, so the copy loops go round many times.
        var payload = new byte[1024 * 1024];
        Random.Shared.NextBytes(payload);
        var sending = client.SendAsync(payload.AsMemory()).AsTask();
        var echoed = await client.ReceiveExactlyAsync(payload.Length);
        await sending;
        Assert.Equal(payload, echoed);
    }

    [Fact]
    public async Task Relay_CarriesHalfClose_FromClientToBackendAndBack()
    {
        await using var backend = TcpBackend.Manual("a");
        await using var proxy = Create();
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(Routes(Route(port, Destination("a", backend.EndPoint))));

        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        await client.SendTextAsync("request");
        client.Shutdown(SocketShutdown.Send);

        using var server = await backend.AcceptAsync();
        Assert.Equal("request", await server.ReceiveToEndAsync());

        // The backend answers after it has seen EOF, then closes its side.
        await server.SendTextAsync("response");
        server.Shutdown(SocketShutdown.Send);

        Assert.Equal("response", await client.ReceiveToEndAsync());
    }

    [Fact]
    public Task BackendReset_ResetsTheClient() => ResetReachesTheOtherSideAsync(clientResets: false);

    [Fact]
    public Task ClientReset_ResetsTheBackend() => ResetReachesTheOtherSideAsync(clientResets: true);

    /// <summary>One side of a relayed connection resets it; the other side must see a reset, not a FIN.</summary>
    private static async Task ResetReachesTheOtherSideAsync(bool clientResets)
    {
        await using var backend = TcpBackend.Manual("a");
        await using var proxy = Create();
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(Routes(Route(port, Destination("a", backend.EndPoint))));

        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        using var server = await backend.AcceptAsync();
        await EstablishAsync(client, server);
        var (resetting, other) = clientResets ? (client, server) : (server, client);
        resetting.ResetOnClose();
        resetting.Close();

        var error = await Assert.ThrowsAsync<SocketException>(() => other.ReceiveAsync(new byte[16].AsMemory()).AsTask().WaitAsync(TestTimeouts.Hang));
        Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
    }

    /// <summary>
    /// Proves the relay is running before a test resets a side; a reset that beat the proxy's connect would be
    /// a failed connect instead, which the proxy retries.
    /// </summary>
    private static async Task EstablishAsync(Socket client, Socket server)
    {
        await client.SendTextAsync("x");
        Assert.Equal("x", await server.ReceiveTextAsync(1));
    }
}
