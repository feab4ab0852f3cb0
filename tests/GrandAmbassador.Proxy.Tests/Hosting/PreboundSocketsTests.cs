using System.Net.Sockets;
using GrandAmbassador.Proxy.Engine;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tests.Support;
using static GrandAmbassador.Proxy.Tests.Support.ProxyHarness;

namespace GrandAmbassador.Proxy.Tests.Hosting;

/// <summary>Ports bound before the proxy exists: their early clients wait in the backlog and are served once routed.</summary>
public sealed class PreboundSocketsTests
{
    [Fact]
    public async Task AClientConnectedBeforeTheProxyExisted_IsServedOnceItsPortIsRouted()
    {
        await using var backend = TcpBackend.Echo("a");
        var prebound = new PreboundSockets();
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        var options = new ProxyOptions { ListenAddress = System.Net.IPAddress.Loopback, Prebound = prebound };
        Assert.True(prebound.TryBind(options, port));

        // Before any proxy: the kernel completes the handshake, the request waits in the backlog.
        using var early = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        await early.SendTextAsync("hello");

        await using var proxy = Create(configure => configure.Prebound = prebound);
        await proxy.ApplyAsync(Routes(Route(port, Destination("a", backend.EndPoint))));

        Assert.Equal("hello", await early.ReceiveTextAsync(5));
        Assert.Equal(0, prebound.Count);
    }

    [Fact]
    public async Task Unclaimed_AreClosed_AndSealedBindsNothing()
    {
        var prebound = new PreboundSockets();
        var options = new ProxyOptions { ListenAddress = System.Net.IPAddress.Loopback };
        var unclaimed = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        Assert.True(prebound.TryBind(options, unclaimed));
        Assert.False(prebound.TryBind(options, unclaimed));

        Assert.Equal(1, prebound.ReleaseUnclaimed());
        var refused = await Assert.ThrowsAsync<SocketException>(() => SocketTestExtensions.ConnectTcpAsync(unclaimed.Port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);

        prebound.Seal();
        Assert.False(prebound.TryBind(options, new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp)));
        Assert.Equal(0, prebound.Count);
    }
}
