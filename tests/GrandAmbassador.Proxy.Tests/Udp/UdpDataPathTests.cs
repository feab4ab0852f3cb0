using System.Net;
using System.Net.Sockets;
using System.Text;
using GrandAmbassador.Proxy.Engine;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tests.Support;
using static GrandAmbassador.Proxy.Tests.Support.ProxyHarness;

namespace GrandAmbassador.Proxy.Tests.Udp;

/// <summary>
/// UDP on the data path a user chose (the rest of the suite runs on both: tests/run.sh runs it again with
/// <c>GRAND_AMBASSADOR_DATA_PATH=sockets</c>): on the event loops, datagrams arrive and leave in batches (recvmmsg,
/// sendmmsg), which must neither mix clients up nor reorder or lose what a burst carries; and a port closed there
/// gives its socket back.
/// </summary>
public sealed class UdpDataPathTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TheChosenDataPath_RelaysTheDatagrams(bool eventLoop)
    {
        await using var backend = new UdpBackend("a");
        await using var proxy = Create(options => options.DataPath = eventLoop ? DataPath.EventLoop : DataPath.Sockets);
        var port = new ListenPort(FreePort.Udp(), TransportProtocol.Udp);
        await proxy.ApplyAsync(Routes(Route(port, Destination("a", backend.EndPoint))));

        using var client = new UdpClientSocket(port.Port);
        await client.SendAsync("hello");
        Assert.Equal("hello", await client.ReceiveTextAsync());

        Assert.Equal(eventLoop, proxy.UdpListener(port).OnEventLoop);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task BurstsFromManyClientsAtOnce_EachClientGetsItsOwnReplies_InOrder(bool eventLoop)
    {
        await using var backend = new UdpBackend("a");
        await using var proxy = Create(options => options.DataPath = eventLoop ? DataPath.EventLoop : DataPath.Sockets);
        var port = new ListenPort(FreePort.Udp(), TransportProtocol.Udp);
        await proxy.ApplyAsync(Routes(Route(port, Destination("a", backend.EndPoint))));
        // Each client sends its whole burst before reading: the port's batches carry runs of several clients. Small
        // enough that every socket's default buffer holds what is in flight (UDP drops the rest, on either path).
        const int Clients = 16, Burst = 8;
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async index =>
        {
            using var client = new UdpClientSocket(port.Port);
            var sent = Enumerable.Range(0, Burst).Select(sequence => $"{index:D3}:{sequence:D3}").ToList();
            foreach (var text in sent)
            {
                await client.SendAsync(text);
            }

            var received = new List<string>();
            while (received.Count < Burst)
            {
                received.Add(await client.ReceiveTextAsync());
            }

            Assert.Equal(sent, received);
        })).WaitAsync(TestTimeouts.Hang);

        Assert.Equal(Clients, proxy.UdpListener(port).SessionCount);
    }

    [Fact]
    public async Task APortClosedOnTheLoops_GivesItsSocketBack_AndItsSessionsEnd()
    {
        await using var backend = new UdpBackend("a");
        var proxy = Create(options => options.DataPath = DataPath.EventLoop);
        var port = new ListenPort(FreePort.Udp(), TransportProtocol.Udp);
        await proxy.ApplyAsync(Routes(Route(port, Destination("a", backend.EndPoint))));
        using var client = new UdpClientSocket(port.Port);
        await client.SendAsync("hello");
        Assert.Equal("hello", await client.ReceiveTextAsync());
        var listener = proxy.UdpListener(port);

        await proxy.DisposeAsync().AsTask().WaitAsync(TestTimeouts.Hang);

        Assert.Equal(0, listener.SessionCount);
        using var rebound = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp) { DualMode = true };
        rebound.Bind(new IPEndPoint(IPAddress.IPv6Any, port.Port));
        Assert.Equal(port.Port, ((IPEndPoint)rebound.LocalEndPoint!).Port);
    }

    [Fact]
    public async Task AnEmptyDatagram_IsRelayedBothWays_OnTheLoops()
    {
        await using var backend = new UdpBackend("a");
        await using var proxy = Create(options => options.DataPath = DataPath.EventLoop);
        var port = new ListenPort(FreePort.Udp(), TransportProtocol.Udp);
        await proxy.ApplyAsync(Routes(Route(port, Destination("a", backend.EndPoint))));

        using var client = new UdpClientSocket(port.Port);
        await client.SendAsync([]);
        Assert.Empty((await backend.ReceivedAsync()).Payload);
        Assert.Empty(await client.ReceiveAsync());
        await client.SendAsync("after");
        Assert.Equal("after", Encoding.ASCII.GetString(await client.ReceiveAsync()));
    }
}
