using System.Net;
using System.Net.Sockets;
using System.Text;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tests.Support;
using static GrandAmbassador.Proxy.Tests.Support.ProxyHarness;

namespace GrandAmbassador.Proxy.Tests.ProxyProtocol;

/// <summary>UDP with --proxy-protocol NAME=v2: every datagram starts with a header naming its own client.</summary>
public sealed class UdpProxyProtocolTests
{
    [Fact]
    public async Task EachDatagram_NamesItsClient_ToABackendThatStripsTheHeader()
    {
        using var metrics = MetricTotals.ForNewService();
        using var backend = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        backend.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var stop = new CancellationTokenSource();
        var echo = StrippingEchoAsync(backend, stop.Token);
        await using var proxy = Create(options => options.ProxyProtocolNames = ProxyProtocolToBackendTests.For(metrics.Service, ProxyProtocolVersion.V2), serviceName: metrics.Service);
        var port = new ListenPort(FreePort.Udp(), TransportProtocol.Udp);
        await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port, Destination("a", (IPEndPoint)backend.LocalEndPoint!))));

        using var first = Client("127.0.0.2", port.Port);
        using var second = Client("127.0.0.3", port.Port);
        foreach (var round in new[] { "one", "two" })
        {
            foreach (var client in new[] { first, second })
            {
                await client.SendAsync(Encoding.ASCII.GetBytes(round));
                Assert.Equal($"{client.LocalEndPoint} {IPAddress.Loopback}:{port.Port} {round}", await ReceiveTextAsync(client));
            }
        }

        await stop.CancelAsync();
        await echo;
    }

    [Fact]
    public async Task AV1Name_SendsNoHeaderOnItsUdpPorts()
    {
        using var metrics = MetricTotals.ForNewService();
        await using var backend = new UdpBackend("a");
        await using var proxy = Create(options => options.ProxyProtocolNames = ProxyProtocolToBackendTests.For(metrics.Service, ProxyProtocolVersion.V1), serviceName: metrics.Service);
        var port = new ListenPort(FreePort.Udp(), TransportProtocol.Udp);
        await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port, Destination("a", backend.EndPoint))));

        using var client = new UdpClientSocket(port.Port);
        await client.SendAsync("plain");
        Assert.Equal("plain", await client.ReceiveTextAsync());
    }

    private static Socket Client(string address, int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
        socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
        return socket;
    }

    private static async Task<string> ReceiveTextAsync(Socket socket)
    {
        var buffer = new byte[2048];
        var read = await socket.ReceiveAsync(buffer.AsMemory()).AsTask().WaitAsync(TestTimeouts.Hang);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }

    /// <summary>A UDP target that speaks the PROXY protocol: strips each datagram's header and answers with what it said.</summary>
    private static async Task StrippingEchoAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[2048];
        try
        {
            while (true)
            {
                var result = await socket.ReceiveFromAsync(buffer.AsMemory(), new IPEndPoint(IPAddress.Any, 0), cancellationToken);
                var (header, payload) = ReceivedProxyHeader.Split(buffer[..result.ReceivedBytes]);
                Assert.True(header.Datagram);
                var answer = Encoding.ASCII.GetBytes($"{header.Source} {header.Destination} {Encoding.ASCII.GetString(payload)}");
                await socket.SendToAsync(answer, result.RemoteEndPoint, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
