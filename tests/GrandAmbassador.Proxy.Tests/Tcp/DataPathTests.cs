using GrandAmbassador.Proxy.Engine;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tests.Support;
using static GrandAmbassador.Proxy.Tests.Support.ProxyHarness;

namespace GrandAmbassador.Proxy.Tests.Tcp;

/// <summary>
/// The data path a user chose is the one that relays (the rest of the suite runs on both: tests/run.sh runs it again
/// with <c>GRAND_AMBASSADOR_DATA_PATH=sockets</c>); and the event loops, shared by every proxy of the process, relay
/// many connections at once without mixing them up.
/// </summary>
public sealed class DataPathTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TheChosenDataPath_RelaysTheConnection(bool eventLoop)
    {
        await using var backend = TcpBackend.Echo("a");
        await using var proxy = Create(options => options.DataPath = eventLoop ? DataPath.EventLoop : DataPath.Sockets);
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(Routes(Route(port, Destination("a", backend.EndPoint))));

        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        await client.SendTextAsync("hello");
        Assert.Equal("hello", await client.ReceiveTextAsync(5));

        Assert.Equal([eventLoop], proxy.TcpListener(port).OnEventLoop);
    }

    [Fact]
    public async Task TwoHundredConnectionsAtOnce_OnTheLoops_EachGetsItsOwnBytes_AndAllClose()
    {
        await using var backend = TcpBackend.Echo("a");
        await using var proxy = Create(options => options.DataPath = DataPath.EventLoop);
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(Routes(Route(port, Destination("a", backend.EndPoint))));

        await Task.WhenAll(Enumerable.Range(0, 200).Select(async index =>
        {
            using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
            for (var round = 0; round < 5; round++)
            {
                var text = $"{index:D4}:{round}";
                await client.SendTextAsync(text);
                Assert.Equal(text, await client.ReceiveTextAsync(text.Length));
            }
        })).WaitAsync(TestTimeouts.Hang);

        var listener = proxy.TcpListener(port);
        await TestTimeouts.EventuallyAsync(() => listener.ConnectionCount == 0);
    }
}
