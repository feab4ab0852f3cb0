using System.Net.Sockets;
using System.Runtime.CompilerServices;
using GrandAmbassador.Proxy.Engine;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static GrandAmbassador.Proxy.Tests.Support.ProxyHarness;

namespace GrandAmbassador.Proxy.Tests.Tcp;

/// <summary>
/// Bulk transfers through the relay, each run twice: with splice(2) (Linux; a direction moves to it once a read fills
/// the buffer) and with the copy loop alone, which is also what runs wherever splice cannot.
/// </summary>
[Collection(BulkTrafficCollection.Name)]
public sealed class BulkRelayTests
{
    private const long Large = 256L * 1024 * 1024;
    private const long Medium = 8L * 1024 * 1024;

    /// <summary>Splice on and off, each with one side and then the other.</summary>
    public static TheoryData<bool, bool> ModesAndSides => new() { { true, true }, { true, false }, { false, true }, { false, false } };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task LargeTransfers_BothWaysAtOnce_ArriveIntact_AndAreCounted(bool splice)
    {
        await using var relay = await RelayAsync(splice);
        var (client, server) = (relay.Client, relay.Server);

        var upSent = BulkStream.SendAsync(client, Large, seed: 1);
        var downSent = BulkStream.SendAsync(server, Large / 4, seed: 2);
        var upReceived = BulkStream.ReceiveToEndAsync(server);
        var downReceived = BulkStream.ReceiveToEndAsync(client);

        var (upLength, upHash) = await upReceived;
        var (downLength, downHash) = await downReceived;
        Assert.Equal(Large, upLength);
        Assert.Equal(await upSent, upHash);
        Assert.Equal(Large / 4, downLength);
        Assert.Equal(await downSent, downHash);

        await relay.AssertClosedAsync(upstream: Large, downstream: Large / 4, spliced: SplicedDirections(splice, 2));
    }

    [Theory]
    [MemberData(nameof(ModesAndSides))]
    public async Task HalfClose_PassesTheFinOn_WhileTheOtherDirectionKeepsFlowing(bool splice, bool clientFinishesFirst)
    {
        await using var relay = await RelayAsync(splice);
        var (client, server) = (relay.Client, relay.Server);
        var (first, second) = clientFinishesFirst ? (client, server) : (server, client);

        // The first side sends and closes its half; the other reads to that FIN, and only then sends its own data.
        var firstSent = BulkStream.SendAsync(first, Medium, seed: 3);
        var (firstLength, firstHash) = await BulkStream.ReceiveToEndAsync(second);
        Assert.Equal(Medium, firstLength);
        Assert.Equal(await firstSent, firstHash);

        var secondSent = BulkStream.SendAsync(second, Medium + 1, seed: 4);
        var (secondLength, secondHash) = await BulkStream.ReceiveToEndAsync(first);
        Assert.Equal(Medium + 1, secondLength);
        Assert.Equal(await secondSent, secondHash);

        await relay.AssertClosedAsync(
            upstream: clientFinishesFirst ? Medium : Medium + 1,
            downstream: clientFinishesFirst ? Medium + 1 : Medium,
            spliced: SplicedDirections(splice, 2));
    }

    [Theory]
    [MemberData(nameof(ModesAndSides))]
    public async Task ResetDuringABulkTransfer_ReachesTheOtherSideAsAReset(bool splice, bool senderResets)
    {
        await using var relay = await RelayAsync(splice);
        var (client, server) = (relay.Client, relay.Server);

        // The backend streams; once the client has seen several buffers (splice under way), one side resets.
        var streaming = BulkStream.SendAsync(server, Large, seed: 5);
        await BulkStream.ReceiveAtLeastAsync(client, 4 * 1024 * 1024);
        var (resetting, other) = senderResets ? (server, client) : (client, server);
        resetting.ResetOnClose();
        resetting.Close();

        if (senderResets)
        {
            Assert.Equal(PeerClose.Reset, await client.ReceiveCloseAsync());
        }
        else
        {
            // The server learns it from its send, which fails once the relay has reset its side.
            var error = await Assert.ThrowsAsync<SocketException>(() => streaming);
            Assert.Contains(error.SocketErrorCode, new[] { SocketError.ConnectionReset, SocketError.Shutdown });
        }

        await relay.ClosedAsync();
        Assert.Equal(SplicedDirections(splice, 1), relay.Metrics["spliced/downstream"]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ABackendReset_WhileTheClientIsNotReading_ReachesTheClientAsAReset(bool splice)
    {
        await using var relay = await RelayAsync(splice);
        var (client, server) = (relay.Client, relay.Server);
        client.ReceiveBufferSize = 256 * 1024;

        // The relay holds data from the backend it cannot pass on when the backend resets: once the client reads
        // again, the relay meets the reset behind that data (in splice(2) itself, on that path) and must pass it on.
        var sent = new StrongBox<long>();
        var streaming = BulkStream.SendAsync(server, Large, seed: 8, sent: sent);
        await SentWhenStalledAsync(sent, streaming);
        server.ResetOnClose();
        server.Close();
        await Assert.ThrowsAnyAsync<Exception>(() => streaming);

        Assert.Equal(PeerClose.Reset, await client.ReceiveCloseAsync());
        await relay.ClosedAsync();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AClientThatStopsReading_StallsTheSender_AndEverythingArrivesOnceItReadsAgain(bool splice)
    {
        await using var relay = await RelayAsync(splice);
        var (client, server) = (relay.Client, relay.Server);
        client.ReceiveBufferSize = 256 * 1024;
        server.SendBufferSize = 256 * 1024;

        // The client reads nothing: the backend's sends must stop completing once the socket buffers on the way, the
        // relay's buffer and its pipe are full, far short of the whole transfer.
        var sent = new StrongBox<long>();
        var streaming = BulkStream.SendAsync(server, Large, seed: 6, sent: sent);
        var sentBeforeStall = await SentWhenStalledAsync(sent, streaming);
        Assert.InRange(sentBeforeStall, 1, 64L * 1024 * 1024);

        // Reading again drains it all, in order, and the sender finishes.
        var (length, hash) = await BulkStream.ReceiveToEndAsync(client);
        Assert.Equal(Large, length);
        Assert.Equal(await streaming, hash);
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(PeerClose.Fin, await server.ReceiveCloseAsync());
        await relay.AssertClosedAsync(upstream: 0, downstream: Large, spliced: SplicedDirections(splice, 1));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SmallRequestsAndResponses_AreRelayed_WithoutAPipe(bool splice)
    {
        await using var relay = await RelayAsync(splice);
        var (client, server) = (relay.Client, relay.Server);

        for (var i = 0; i < 200; i++)
        {
            await client.SendTextAsync("PING\r\n");
            Assert.Equal("PING\r\n", await server.ReceiveTextAsync(6));
            await server.SendTextAsync("+PONG\r\n");
            Assert.Equal("+PONG\r\n", await client.ReceiveTextAsync(7));
        }

        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(PeerClose.Fin, await server.ReceiveCloseAsync());
        server.Shutdown(SocketShutdown.Send);
        Assert.Equal(PeerClose.Fin, await client.ReceiveCloseAsync());

        await relay.AssertClosedAsync(upstream: 200 * 6, downstream: 200 * 7, spliced: 0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ABulkConnectionGoneQuiet_IsClosedWithAFin_ByTheIdleTimeout(bool splice)
    {
        var time = new FakeTimeProvider();
        await using var relay = await RelayAsync(splice, options => options.IdleTimeout = TimeSpan.FromSeconds(60), time);
        var (client, server) = (relay.Client, relay.Server);
        var sent = BulkStream.SendAsync(server, Medium, seed: 7, finish: false);
        Assert.Equal(Medium, await BulkStream.ReceiveAtLeastAsync(client, Medium));
        await sent;
        Assert.InRange(await IdleSweeps.CountUntilAsync(time, () => relay.Metrics["connections.timed_out/idle"] == 1), 5, 6);
        Assert.Equal(PeerClose.Fin, await client.ReceiveCloseAsync());
        Assert.Equal(PeerClose.Fin, await server.ReceiveCloseAsync());
        await relay.AssertClosedAsync(upstream: 0, downstream: Medium, spliced: SplicedDirections(splice, 1));
        Assert.Equal(1, relay.Metrics["connections.timed_out/idle"]);
    }

    /// <summary>How many directions must have spliced: none without splice, or where the OS cannot.</summary>
    private static long SplicedDirections(bool splice, int bulkDirections) => splice && OperatingSystem.IsLinux() ? bulkDirections : 0;

    /// <summary>
    /// Waits until the sender has stalled: what its socket took stays the same across a second while it still has
    /// more to send (no event says that nothing happens). Returns what it had sent by then.
    /// </summary>
    private static async Task<long> SentWhenStalledAsync(StrongBox<long> sent, Task sending)
    {
        var last = -1L;
        while (!sending.IsCompleted)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var now = Volatile.Read(ref sent.Value);
            if (now == last)
            {
                return now;
            }

            last = now;
        }

        return long.MaxValue; // the whole transfer went through without the client reading: unbounded buffering
    }

    private static async Task<Relay> RelayAsync(bool splice, Action<ProxyOptions>? configure = null, TimeProvider? time = null)
    {
        var metrics = MetricTotals.ForNewService();
        var backend = TcpBackend.Manual("a");
        var proxy = Create(
            options =>
            {
                options.Splice = splice;
                configure?.Invoke(options);
            },
            time,
            metrics.Service);
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port, Destination("a", backend.EndPoint))));
        var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        return new Relay(proxy, backend, metrics, client, await backend.AcceptAsync());
    }

    /// <summary>A proxy on one port, its backend, and one connection through it: the client's and the backend's ends.</summary>
    private sealed class Relay(ServiceProxy proxy, TcpBackend backend, MetricTotals metrics, Socket client, Socket server) : IAsyncDisposable
    {
        public MetricTotals Metrics => metrics;

        public Socket Client => client;

        public Socket Server => server;

        /// <summary>Waits until the proxy has closed the connection: its byte counts are added then.</summary>
        public Task ClosedAsync() => TestTimeouts.EventuallyAsync(() => metrics["connections.accepted"] > 0 && metrics["connections.active"] == 0);

        /// <summary>Waits for the proxy to close the connection, then checks what it counted for it.</summary>
        public async Task AssertClosedAsync(long upstream, long downstream, long spliced)
        {
            await ClosedAsync();
            Assert.Equal(upstream, metrics["bytes/upstream"]);
            Assert.Equal(downstream, metrics["bytes/downstream"]);
            Assert.Equal(spliced, metrics["spliced/upstream"] + metrics["spliced/downstream"]);
        }

        public async ValueTask DisposeAsync()
        {
            client.Dispose();
            server.Dispose();
            await proxy.DisposeAsync();
            await backend.DisposeAsync();
            metrics.Dispose();
        }
    }
}
