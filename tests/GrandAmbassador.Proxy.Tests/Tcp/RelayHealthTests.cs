using System.Net;
using System.Net.Sockets;
using System.Text;
using GrandAmbassador.Proxy.Engine;
using GrandAmbassador.Proxy.Hosting;
using GrandAmbassador.Proxy.HostRelay;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static GrandAmbassador.Proxy.Tests.Support.ProxyHarness;

namespace GrandAmbassador.Proxy.Tests.Tcp;

/// <summary>
/// The dialer keeps each host relay's last failure for status and the page, and forgets it at the next go; a direct
/// destination's failures are never recorded (its dial pays nothing for the relay's bookkeeping).
/// </summary>
public sealed class RelayHealthTests
{
    [Fact]
    public void AFailureThatStarts_OrChangesItsReason_IsSignalled_ButTheSameFailureAgainIsNot()
    {
        var health = new RelayHealth(TimeProvider.System);
        var relay = new IPEndPoint(IPAddress.Parse("10.231.0.11"), 11112);

        var started = health.Changed;
        health.Failed(relay, "the link to the relay ended before its reply");
        Assert.True(started.IsCompleted);

        var again = health.Changed;
        health.Failed(relay, "the link to the relay ended before its reply");
        Assert.False(again.IsCompleted); // held connections retry every second: no signal for each

        health.Failed(relay, "connection refused"); // status must say the new reason soon, not at the next renewal
        Assert.True(again.IsCompleted);
    }

    [Fact]
    public async Task ARelayNothingAnswers_IsRecordedWithTheReason_AndForgottenOnceItSaysGo()
    {
        var relay = DeadEndPoint();
        var direct = DeadEndPoint();
        var health = new RelayHealth(TimeProvider.System);
        var options = new ProxyOptions { ListenAddress = IPAddress.Loopback };
        using var factory = new ServiceProxyFactory(Options.Create(options), NullLoggerFactory.Instance, TimeProvider.System, relayHealth: health);
        await using var proxy = factory.Create(Service);
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(Routes(Route(
            port,
            Destination("direct", direct),
            new Destination("relayed", [relay], Relay: new RelayHop("host-b", Service, "c1", 6379)))));

        // Held: both destinations are tried, each second, and neither answers.
        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        var failure = await FailureAsync(health, relay);
        Assert.Equal("connection refused", failure.Reason);
        Assert.Null(health.Failure(direct));

        // The relay comes up at the same address: the held connection goes through it, and its failure is over.
        using var listener = new TcpListener(relay);
        listener.Start();
        var relaying = GoAsync(listener, "from the relay\n");
        Assert.Equal("from the relay", await client.ReceiveLineAsync().WaitAsync(TestTimeouts.Hang));
        await relaying;
        Assert.Null(health.Failure(relay));
    }

    [Fact]
    public async Task ARelayOverTlsThatRefuses_IsRecordedInItsWords_AndForgottenOnceItSaysGo()
    {
        await using var relay = new TestRelay();
        await using var links = TestRelay.ClientLinks();
        await using var backend = TcpBackend.Echo("a");
        var health = new RelayHealth(TimeProvider.System);
        var options = new ProxyOptions { ListenAddress = IPAddress.Loopback, RelayLinks = links };
        using var factory = new ServiceProxyFactory(Options.Create(options), NullLoggerFactory.Instance, TimeProvider.System, relayHealth: health);
        await using var proxy = factory.Create(Service);
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(Routes(Route(port, relay.Destination("relayed", "c1"))));

        // The link is up, but the relay's agent does not report the container yet: held, and the refusal kept.
        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        await client.SendTextAsync("held");
        var failure = await FailureAsync(health, relay.EndPoint);
        Assert.Equal("the relay of host host-a refused: no container c1", failure.Reason);

        relay.Expose("c1", backend.EndPoint);
        Assert.Equal("held", await client.ReceiveTextAsync(4).WaitAsync(TestTimeouts.Hang));
        Assert.Null(health.Failure(relay.EndPoint));
    }

    /// <summary>A plaintext relay that reads one request, says go, and greets.</summary>
    private static async Task GoAsync(TcpListener listener, string greeting)
    {
        using var socket = await listener.AcceptSocketAsync().WaitAsync(TestTimeouts.Hang);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        Assert.Equal(RelayWire.Magic.ToArray(), await RelayWire.ReadMagicAsync(stream, CancellationToken.None));
        var (request, problem) = await RelayWire.ReadRequestAsync(stream, CancellationToken.None);
        Assert.True(request is not null, problem);
        Assert.Equal("c1", request.Container);
        await stream.WriteAsync(RelayWire.EncodeReply(RelayReply.Go));
        await stream.WriteAsync(Encoding.ASCII.GetBytes(greeting));
    }

    /// <summary>The relay's failure once the dialer has recorded one: each record completes <see cref="RelayHealth.Changed"/>.</summary>
    private static async Task<RelayFailure> FailureAsync(RelayHealth health, IPEndPoint relay)
    {
        while (true)
        {
            var changed = health.Changed;
            if (health.Failure(relay) is { } failure)
            {
                return failure;
            }

            await changed.WaitAsync(TestTimeouts.Hang);
        }
    }
}
