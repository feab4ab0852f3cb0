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
    public async Task BackendReset_ResetsTheClient()
    {
        await using var backend = TcpBackend.Manual("a");
        await using var proxy = Create();
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(Routes(Route(port, Destination("a", backend.EndPoint))));

        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        using var server = await backend.AcceptAsync();
        await EstablishAsync(client, server);
        server.ResetOnClose();
        server.Close();

        var error = await Assert.ThrowsAsync<SocketException>(() => client.ReceiveAsync(new byte[16].AsMemory()).AsTask().WaitAsync(TestTimeouts.Hang));
        Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
    }

    [Fact]
    public async Task ClientReset_ResetsTheBackend()
    {
        await using var backend = TcpBackend.Manual("a");
        await using var proxy = Create();
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(Routes(Route(port, Destination("a", backend.EndPoint))));

        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        using var server = await backend.AcceptAsync();
        await EstablishAsync(client, server);
        client.ResetOnClose();
        client.Close();

        var error = await Assert.ThrowsAsync<SocketException>(() => server.ReceiveAsync(new byte[16].AsMemory()).AsTask().WaitAsync(TestTimeouts.Hang));
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
