using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using GrandAmbassador.Ambassador;
using GrandAmbassador.Cluster;
using GrandAmbassador.CommandLine;
using GrandAmbassador.Configuration;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;
using GrandAmbassador.DataPlane;
using GrandAmbassador.Host.Tests.Fakes;
using GrandAmbassador.Testing;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Host.Tests.Ambassador;

/// <summary>
/// A follower between a fake grain (the test publishes its snapshots) and a real proxy on loopback with
/// real backends: what it applies is what a client gets through to.
/// </summary>
public sealed class NameFollowerTests : IAsyncLifetime
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(20);
    private readonly DataPlaneServices _dataPlane = DataPlaneServices.Create(
        AmbassadorCommandLine.ParseSettings("--listen", "127.0.0.1"), (_, _) => { });
    private readonly FakeGrainFactory _grains = new();
    private readonly RecordingLogger<NameFollower> _logger = new();
    private readonly List<(CancellationTokenSource Stop, Task Running)> _followers = [];
    private readonly int _port = FreePort.Next();
    private readonly NamedBackend _a = new("a");
    private readonly NamedBackend _b = new("b");
    private EndpointSet _current = EndpointSet.Empty("web");
    private IEndpointObserver? _observer;

    public Task InitializeAsync()
    {
        // The grain: a subscribe is answered with the current snapshot; Publish notifies the subscriber.
        _grains.OnSubscribe = (_, observer) =>
        {
            _observer = observer;
            return Task.FromResult(_current);
        };
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var (stop, running) in _followers)
        {
            await stop.CancelAsync();
            await running;
        }

        await _dataPlane.DisposeAsync();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task EachSnapshot_RePointsTheProxy_AndAStoppedContainersConnectionIsClosed()
    {
        var epoch = Guid.NewGuid();
        _current = new EndpointSet("web", 1, [Container("a", _a)], epoch);
        var name = await FrontAsync();
        Follow(name);

        using var toA = await ConnectAsync("a");

        // The container on a stopped (its agent saw it), the one on b started: new clients go to b, and
        // the connection to a, whose container is known to be gone, is closed.
        Publish(new EndpointSet("web", 2, [Container("a", _a) with { Running = false }, Container("b", _b)], epoch));
        using var toB = await ConnectAsync("b");
        Assert.True(await IsClosedAsync(toA));
    }

    [Fact]
    public async Task TakingOver_AnEmptySnapshotOfANewActivation_IsHeld_AndTheOpenConnectionLivesOn()
    {
        var name = await FrontAsync();
        _current = new EndpointSet("web", 1, [Container("a", _a)], Guid.NewGuid());
        var (stopFirst, first) = Follow(name);
        using var client = await ConnectAsync("a");

        // A new control-plane generation (the silo restarted) meets a grain that came back empty with its silo.
        await stopFirst.CancelAsync();
        await first;
        // Empty and complete (its completeness deadline passed before any agent reported): applied, it would route nothing.
        _current = new EndpointSet("web", 0, [], Guid.NewGuid());
        Follow(name);
        await _logger.WaitForAsync(3009); // "keeping its current routes until the cluster reports its containers"

        Assert.Equal("ping", await EchoAsync(client, "ping"));
        using var another = await ConnectAsync("a");

        // The agents report again: the same container, nothing to close.
        Publish(new EndpointSet("web", 1, [Container("a", _a)], _current.Epoch));
        using var third = await ConnectAsync("a");
        Assert.Equal("pong", await EchoAsync(client, "pong"));
    }

    [Fact]
    public async Task APortThatCannotBeBound_IsRetried_UntilItListens()
    {
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, _port));
        squatter.Listen();
        _current = new EndpointSet("web", 1, [Container("a", _a)], Guid.NewGuid());
        Follow(await FrontAsync());

        // Said once, as what it means; the route is not logged as if it served.
        await _logger.WaitForAsync(3004);
        await _logger.WaitForAsync(3017); // the next retry: Debug only
        var notServing = Assert.Single(_logger.Entries, entry => entry.Id.Id == 3004);
        Assert.Equal(LogLevel.Warning, notServing.Level);
        Assert.StartsWith($"web: NOT serving {_port}/tcp: the port is taken (", notServing.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_logger.Entries, entry => entry.Id.Id == 3002);
        squatter.Close();

        // Retried every few seconds: the next client gets through without any new snapshot.
        using var client = await ConnectAsync("a");
        await _logger.WaitForAsync(3018);
        await _logger.WaitForAsync(3002);
        Assert.Single(_logger.Entries, entry => entry.Id.Id == 3004);
    }

    [Fact]
    public async Task ARenewalNotModified_KeepsTheRoutes_AndOneWithANewerSnapshot_IsApplied()
    {
        var clock = new TimerWatchingClock();
        var renewals = Channel.CreateUnbounded<(Guid Epoch, long Version, EndpointSet? Reply)>();
        _grains.OnRenew = (_, _, epoch, version) =>
        {
            // As the grain does: nothing back when the follower holds the current snapshot.
            var reply = _current.Epoch == epoch && _current.Version == version ? null : _current;
            renewals.Writer.TryWrite((epoch, version, reply));
            return Task.FromResult(reply);
        };
        var activation = Guid.NewGuid();
        _current = new EndpointSet("web", 1, [Container("a", _a)], activation);
        Follow(await FrontAsync(), clock);
        using var toA = await ConnectAsync("a");

        // At rest: the renewal says what the follower holds and gets nothing back; its routes stay.
        var quiet = await RenewAsync(clock, renewals);
        Assert.Equal((activation, 1L, (EndpointSet?)null), quiet);
        Assert.Equal("ping", await EchoAsync(toA, "ping"));

        // The grain moved on (a on its way out, b started) and its notification was lost: the next renewal brings it.
        _current = new EndpointSet("web", 2, [Container("a", _a) with { Running = false }, Container("b", _b)], activation);
        var repaired = await RenewAsync(clock, renewals);
        Assert.Equal((activation, 1L), (repaired.Epoch, repaired.Version)); // the not-modified reply changed nothing
        Assert.Equal(2, repaired.Reply?.Version);
        using var toB = await ConnectAsync("b");
        Assert.True(await IsClosedAsync(toA));
    }

    /// <summary>Moves the follower's clock to its next renewal and returns what that renewal said and got.</summary>
    private static async Task<(Guid Epoch, long Version, EndpointSet? Reply)> RenewAsync(
        TimerWatchingClock clock, Channel<(Guid Epoch, long Version, EndpointSet? Reply)> renewals)
    {
        clock.Advance(await clock.NextTimerAsync(due => due == new FollowerOptions().SubscriptionRenewal, Guard));
        using var guard = new CancellationTokenSource(Guard);
        return await renewals.Reader.ReadAsync(guard.Token);
    }

    private async Task<FrontedName> FrontAsync() =>
        await _dataPlane.Names.AddAsync(new FrontedService("web", []), CancellationToken.None);

    private (CancellationTokenSource Stop, Task Running) Follow(FrontedName name, TimeProvider? time = null)
    {
        var follower = new NameFollower(
            name, _grains, Containers.HostId, new FollowerOptions(), TimeSpan.FromSeconds(5), new ClusterChanges(), time ?? TimeProvider.System, _logger);
        var stop = new CancellationTokenSource();
        var running = (stop, Task.Run(() => follower.RunAsync(stop.Token)));
        _followers.Add(running);
        return running;
    }

    private void Publish(EndpointSet snapshot)
    {
        var previous = _current;
        _current = snapshot;
        _observer!.OnEndpointsDelta(EndpointDelta.Between(previous, snapshot));
    }

    /// <summary>A container of host-a exposing the test's port, published on loopback at <paramref name="backend"/>.</summary>
    private ContainerEndpoint Container(string id, NamedBackend backend) =>
        Containers.Running(id, sequence: 1, "web") with
        {
            Ports = ImmutableArray.Create(new ExposedPort(_port, PortProtocol.Tcp, ImmutableArray.Create(new PublishedPort("127.0.0.1", backend.Port)))),
        };

    /// <summary>A client through the proxy, once it is answered by <paramref name="backend"/> (the follower applies asynchronously).</summary>
    private async Task<Socket> ConnectAsync(string backend)
    {
        using var timeout = new CancellationTokenSource(Guard);
        while (true)
        {
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _port), timeout.Token);
                var greeting = new byte[1];
                if (await client.ReceiveAsync(greeting, timeout.Token) == 1 && Encoding.ASCII.GetString(greeting) == backend)
                {
                    return client;
                }
            }
            catch (SocketException) when (!timeout.IsCancellationRequested)
            {
            }

            client.Dispose();
            await Task.Delay(50, timeout.Token);
        }
    }

    /// <summary>Whether the proxy ended the connection (a FIN or a reset), within the hang guard.</summary>
    private static async Task<bool> IsClosedAsync(Socket client)
    {
        try
        {
            return await client.ReceiveAsync(new byte[1]).WaitAsync(Guard) == 0;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    private static async Task<string> EchoAsync(Socket client, string text)
    {
        await client.SendAsync(Encoding.ASCII.GetBytes(text));
        var buffer = new byte[text.Length];
        var read = 0;
        using var timeout = new CancellationTokenSource(Guard);
        while (read < buffer.Length)
        {
            var n = await client.ReceiveAsync(buffer.AsMemory(read), timeout.Token);
            Assert.True(n > 0, "the connection was closed");
            read += n;
        }

        return Encoding.ASCII.GetString(buffer);
    }
}
