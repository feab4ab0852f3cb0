using System.Net;
using System.Net.Sockets;
using GrandAmbassador.Proxy.Engine;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tests.Support;
using static GrandAmbassador.Proxy.Tests.Support.ProxyHarness;

namespace GrandAmbassador.Proxy.Tests.Hosting;

/// <summary>
/// Sockets passed at exec by the image's ga-prebind (systemd's LISTEN_FDS convention): which descriptors are
/// ours, which sockets the proxy keeps (only those it would have bound itself), and an early client served.
/// </summary>
public sealed class InheritedListenSocketsTests
{
    [Theory]
    [InlineData("2", "4242", 4242, new[] { 3, 4 })]
    [InlineData("2", "4243", 4242, new int[0])]      // another process's sockets (a variable inherited by mistake)
    [InlineData(null, "4242", 4242, new int[0])]
    [InlineData("0", "4242", 4242, new int[0])]
    [InlineData("x", "4242", 4242, new int[0])]
    public void Descriptors_FollowSdListenFds(string? count, string? pid, int processId, int[] expected) =>
        Assert.Equal(expected, InheritedListenSockets.Descriptors(count, pid, processId));

    [Fact]
    public void PortOf_KeepsOnlySocketsBoundAsTheProxyBindsItsOwn()
    {
        using var listening = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listening.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listening.Listen();
        using var datagram = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        datagram.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var notListening = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        notListening.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var v6Only = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = false };
        v6Only.Bind(new IPEndPoint(IPAddress.IPv6Any, 0));
        v6Only.Listen();

        Assert.Equal(new ListenPort(((IPEndPoint)listening.LocalEndPoint!).Port, TransportProtocol.Tcp), InheritedListenSockets.PortOf(listening, IPAddress.Loopback));
        Assert.Equal(new ListenPort(((IPEndPoint)datagram.LocalEndPoint!).Port, TransportProtocol.Udp), InheritedListenSockets.PortOf(datagram, IPAddress.Loopback));
        Assert.Null(InheritedListenSockets.PortOf(notListening, IPAddress.Loopback));
        Assert.Null(InheritedListenSockets.PortOf(listening, IPAddress.Any));          // --listen says another address
        Assert.Null(InheritedListenSockets.PortOf(v6Only, IPAddress.IPv6Any));         // the proxy's own would take IPv4 too
    }

    [Fact]
    public async Task AnAdoptedSocketsEarlyClient_IsServedOnceItsPortIsRouted()
    {
        await using var backend = TcpBackend.Echo("a");
        var inherited = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        inherited.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        inherited.Listen();
        var port = InheritedListenSockets.PortOf(inherited, IPAddress.Loopback)!.Value;
        var prebound = new PreboundSockets();
        Assert.True(prebound.TryAdopt(port, inherited));

        using var early = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        await early.SendTextAsync("hello");

        await using var proxy = Create(configure => configure.Prebound = prebound);
        await proxy.ApplyAsync(Routes(Route(port, Destination("a", backend.EndPoint))));

        Assert.Equal("hello", await early.ReceiveTextAsync(5));
        Assert.Equal(0, prebound.Count);
    }
}
