using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using GrandAmbassador.Proxy.HostRelay.Mux;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tests.Support;
using static GrandAmbassador.Proxy.Tests.Support.ProxyHarness;

namespace GrandAmbassador.Proxy.Tests.HostRelay;

/// <summary>What becomes of a relay link, and of the streams on it, when one end goes away without a word.</summary>
public sealed class RelayLinkFailureTests
{
    /// <summary>The port closes while its dial waits for the relay's reply: both hosts give the stream up, none keeps it.</summary>
    [Fact]
    public async Task APortThatClosesWhileTheRelayIsAsked_LeavesNoStreamOnEitherHost()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var certificate = TestCertificates.SelfSigned();
        var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var relayLink = new TaskCompletionSource<MuxLink>(TaskCreationOptions.RunContinuationsAsynchronously);

        // A relay that never answers the open: the dial is still waiting when its port closes.
        _ = Task.Run(async () =>
        {
            var peer = await listener.AcceptAsync();
            var tls = new SslStream(new NetworkStream(peer, ownsSocket: true));
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate });
            await tls.ReadExactlyAsync(new byte[4]);
            var link = new MuxLink(tls, (opener, stream, request) => opened.TrySetResult());
            relayLink.TrySetResult(link);
            await link.RunAsync();
        });

        var links = TestRelay.ClientLinks();
        var proxy = Create(options =>
        {
            options.RelayLinks = links;
            options.ConnectAttemptTimeout = TimeSpan.FromSeconds(30);
        });
        var relay = (IPEndPoint)listener.LocalEndPoint!;
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(Routes(Route(port, new Destination("a", [relay], Relay: new RelayHop("host-a", "svc", "c1", 6379)))));
        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        await opened.Task.WaitAsync(TestTimeouts.Hang);

        await proxy.DisposeAsync();

        var ambassadorSide = await links.GetAsync(relay);
        var relaySide = await relayLink.Task;
        await TestTimeouts.EventuallyAsync(() => ambassadorSide.Streams == 0 && relaySide.Streams == 0);
        await links.DisposeAsync();
    }

    /// <summary>
    /// A link through which nothing passes any more (a partition, the relay's host powered off) is not handed out for ever:
    /// a dial that hears nothing on it drops it, and the next makes a new one.
    /// </summary>
    [Fact]
    public async Task ALinkThatNoLongerAnswers_IsReplaced()
    {
        await using var relay = new TestRelay();
        await using var backend = TcpBackend.Echo("a");
        relay.Expose("c1", backend.EndPoint);
        await using var forwarder = new FreezableForwarder(relay.EndPoint);
        var links = TestRelay.ClientLinks();
        var proxy = Create(options =>
        {
            options.RelayLinks = links;
            options.ConnectAttemptTimeout = TimeSpan.FromSeconds(1);
        });
        try
        {
            var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
            await proxy.ApplyAsync(Routes(Route(port, new Destination("a", [forwarder.EndPoint], Relay: new RelayHop("host-a", "svc", "c1", 6379)))));
            using (var first = await SocketTestExtensions.ConnectTcpAsync(port.Port))
            {
                await first.SendTextAsync("one");
                Assert.Equal("one", await first.ReceiveTextAsync(3).WaitAsync(TestTimeouts.Hang));
            }

            forwarder.FreezeExisting();
            using var second = await SocketTestExtensions.ConnectTcpAsync(port.Port);
            await second.SendTextAsync("two");
            Assert.Equal("two", await second.ReceiveTextAsync(3).WaitAsync(TestTimeouts.Hang));
        }
        finally
        {
            await proxy.DisposeAsync();
            await links.DisposeAsync();
        }
    }
}
