using System.Net;
using System.Net.Sockets;
using System.Text;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Testing;
using Microsoft.Extensions.Time.Testing;

namespace GrandAmbassador.Host.Tests.HostRelay;

/// <summary>
/// UDP through a real host relay (issue 17), in one process on loopback: a client's datagrams to host c's ambassador
/// reach a container on host a that publishes nothing, framed over the relay's link (plaintext or mutual TLS), and its
/// replies come back; one link per session; either end of a session ending ends the other.
/// </summary>
public sealed class RelayedUdpTests
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A20KBDatagram_AndTheLargestIPv4One_AreEchoedThroughTheRelay(bool tls)
    {
        await using var echo = new UdpEcho();
        await using var stage = await RelayedUdpStage.StartAsync(echo.Port, tls);
        using var client = Client(stage.Port.Port);

        foreach (var size in new[] { 20 * 1024, 65_507 })
        {
            var payload = new byte[size];
            Random.Shared.NextBytes(payload);
            await client.SendAsync(payload);
            Assert.Equal(payload, await ReceiveAsync(client));
        }

        Assert.Equal(1, stage.Relay.Open);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AThousandDatagramsFromTenClients_EachClientGetsItsOwnEchoesOnly(bool tls)
    {
        await using var echo = new UdpEcho();
        await using var stage = await RelayedUdpStage.StartAsync(echo.Port, tls);

        await Task.WhenAll(Enumerable.Range(0, 10).Select(async number =>
        {
            using var client = Client(stage.Port.Port);
            for (var i = 0; i < 100; i++)
            {
                // One in flight per client: loopback does not drop it, so every datagram must come back, to its own client.
                var sent = Encoding.ASCII.GetBytes($"client {number} datagram {i}");
                await client.SendAsync(sent);
                Assert.Equal(Encoding.ASCII.GetString(sent), Encoding.ASCII.GetString(await ReceiveAsync(client)));
            }
        }));

        Assert.Equal(10, stage.Listener.SessionCount);
        Assert.Equal(10, stage.Relay.Open);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TheAmbassadorsSessionIdlingOut_EndsTheRelaysSession(bool tls)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var echo = new UdpEcho();
        await using var stage = await RelayedUdpStage.StartAsync(echo.Port, tls, ambassadorTime: time, ambassadorOptions: options => options.UdpSessionIdleTimeout = TimeSpan.FromSeconds(60));
        using var client = Client(stage.Port.Port);
        await client.SendAsync("hello"u8.ToArray());
        Assert.Equal("hello", Encoding.ASCII.GetString(await ReceiveAsync(client)));
        Assert.Equal(1, stage.Relay.Open);

        time.Advance(TimeSpan.FromSeconds(75));

        // The relay's count of open sessions has no event of its own: it is polled.
        await Eventually.GetAsync(() => Task.FromResult(stage.Relay.Open == 0 ? true : throw new InvalidOperationException($"{stage.Relay.Open} open")), Hang, "the relay's session ending");
        Assert.Equal(0, stage.Listener.SessionCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TheContainerGone_EndsBothSessions_AndTheNextDatagramReachesItsSuccessor(bool tls)
    {
        var echo = new UdpEcho();
        var port = echo.Port;
        await using var stage = await RelayedUdpStage.StartAsync(port, tls);
        using var client = Client(stage.Port.Port);
        await client.SendAsync("one"u8.ToArray());
        Assert.Equal("one", Encoding.ASCII.GetString(await ReceiveAsync(client)));

        // Nothing listens at the container's port now: the relay's next send there draws an ICMP port unreachable.
        await echo.DisposeAsync();
        await client.SendAsync("lost"u8.ToArray());
        await Eventually.GetAsync(() => Task.FromResult(stage.Relay.Open == 0 && stage.Listener.SessionCount == 0 ? true : throw new InvalidOperationException($"relay {stage.Relay.Open}, ambassador {stage.Listener.SessionCount}")), Hang, "both sessions ending");

        await using var successor = new UdpEcho(port);
        await client.SendAsync("two"u8.ToArray());
        Assert.Equal("two", Encoding.ASCII.GetString(await ReceiveAsync(client)));
    }

    [Fact]
    public async Task AUdpPortTheAgentReportsAsTcp_IsRefusedByTheRelay()
    {
        await using var echo = new UdpEcho();
        await using var stage = await RelayedUdpStage.StartAsync(echo.Port, tls: false, reported: PortProtocol.Tcp);
        using var client = Client(stage.Port.Port);
        await client.SendAsync("anyone?"u8.ToArray());

        await Eventually.GetAsync(() => Task.FromResult(stage.Relay.Refusals > 0 ? true : throw new InvalidOperationException("no refusal yet")), Hang, "a refusal");
        Assert.Equal(0, stage.Relay.Open);
        Assert.Equal(1, stage.Listener.SessionCount);
    }

    private static Socket Client(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
        return socket;
    }

    private static async Task<byte[]> ReceiveAsync(Socket client)
    {
        var buffer = new byte[65_536];
        var read = await client.ReceiveAsync(buffer.AsMemory()).AsTask().WaitAsync(Hang);
        return buffer[..read];
    }
}
