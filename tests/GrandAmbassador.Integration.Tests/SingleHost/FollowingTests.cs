using System.Net.Sockets;
using GrandAmbassador.Integration.Tests.Harness;
using GrandAmbassador.Testing;
using static GrandAmbassador.Integration.Tests.Harness.RunningAmbassador;

namespace GrandAmbassador.Integration.Tests.SingleHost;

/// <summary>The original's promises: wait for the container, follow restarts, removal and re-creation.</summary>
[Collection(DockerCollection.Name)]
public sealed class FollowingTests : IAsyncLifetime
{
    private readonly DockerScope _docker = new("ga-it");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _docker.DisposeAsync();

    [Fact]
    public async Task AmbassadorStartedFirst_SaysItsPortsAreNotKnownAndConnectionsAreRefused_AndServesOnceTheContainerRuns()
    {
        var port = FreePort.Next();
        var name = _docker.Name("late");
        await using var ambassador = await StartAsync("--name", name);

        // Nothing listens for a name never seen: the log must not promise that connections are held.
        var waiting = await ambassador.Logs.WaitForAsync(line => line.EventId == 3016);
        Assert.Equal(
            $"{name}: no container named {name} has been seen yet, so its ports are not known: connections are refused until it appears (or give --port to hold them)",
            waiting.Message);
        Assert.DoesNotContain(ambassador.Logs.Lines, line => line.Message.Contains("held for up to", StringComparison.Ordinal));

        await _docker.RunHttpdAsync("late", port);
        await ambassador.RoutedAsync(name, port);
        Assert.Equal(Clients.HttpOk, await Clients.HttpGetStatusAsync(Local(port)));
    }

    [Fact]
    public async Task AmbassadorStartedFirst_WithAnExplicitPort_SaysNewConnectionsAreHeld()
    {
        var port = FreePort.Next();
        var name = _docker.Name("held");
        await using var ambassador = await StartAsync("--name", name, "--port", $"{port}", "--wait", "7");

        var waiting = await ambassador.Logs.WaitForAsync(line => line.EventId == 3001);
        Assert.Equal($"{name}: waiting for a container named {name} to run; new connections are held for up to 7 s", waiting.Message);
        Assert.DoesNotContain(ambassador.Logs.Lines, line => line.EventId == 3016);
    }

    [Fact]
    public async Task DockerRestart_IsFollowedToTheNewAddress_WithoutRestartingAnything()
    {
        var port = FreePort.Next();
        var name = _docker.Name("restarted");
        await _docker.RunHttpdAsync("restarted", port);
        await using var ambassador = await StartAsync("--name", name);
        await ambassador.RoutedAsync(name, port);
        Assert.Equal(Clients.HttpOk, await Clients.HttpGetStatusAsync(Local(port)));
        var before = await DockerScope.InspectAsync(name, "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}");

        // Stop it and let another container take its address, so the restart really moves it.
        await DockerCli.RunAsync("stop", "-t", "1", name);
        await _docker.RunAsync("squatter", [], DockerScope.Busybox, "sleep", "300");
        await DockerCli.RunAsync("start", name);
        var after = await DockerScope.InspectAsync(name, "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}");

        Assert.NotEqual(before, after);
        Assert.Equal(Clients.HttpOk, await Clients.HttpGetStatusAsync(Local(port)));
        var routed = await ambassador.Logs.WaitForAsync(line => line.EventId == 3002 && line.Message.Contains($"{after}:{port}"));
        Assert.Contains(name, routed.Message);
    }

    [Fact]
    public async Task RemovedAndRecreatedWithOtherPorts_NewPortsOpen_AndPortsThatWentAwayClose()
    {
        int oldPort = FreePort.Next(), newPort = FreePort.Next();
        var name = _docker.Name("recreated");
        await _docker.RunHttpdAsync("recreated", oldPort);
        await using var ambassador = await StartAsync("--name", name);
        await ambassador.RoutedAsync(name, oldPort);
        Assert.Equal(Clients.HttpOk, await Clients.HttpGetStatusAsync(Local(oldPort)));

        await DockerCli.RunAsync("rm", "-f", name);
        await _docker.RunHttpdAsync("recreated", newPort);

        await ambassador.RoutedAsync(name, newPort);
        Assert.Equal(Clients.HttpOk, await Clients.HttpGetStatusAsync(Local(newPort)));
        await ambassador.Logs.WaitForAsync(line => line.EventId == 3007 && line.Message.Contains($"{oldPort}/tcp"));
        var refused = await Assert.ThrowsAsync<SocketException>(() => Clients.HttpGetStatusAsync(Local(oldPort)));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public async Task WhileNoTargetIsUp_NewConnectionsAreHeld_AndGoThroughWhenItIsBack()
    {
        var port = FreePort.Next();
        var name = _docker.Name("held");
        await _docker.RunHttpdAsync("held", port);
        using var heldConnections = new HeldConnections(name);
        await using var ambassador = await StartAsync("--name", name);
        await ambassador.RoutedAsync(name, port);

        await DockerCli.RunAsync("stop", "-t", "1", name);
        await ambassador.Logs.WaitForAsync(line => line.EventId == 3003 && line.Message.StartsWith($"{name}: {port}/tcp", StringComparison.Ordinal));
        var held = Clients.HttpGetStatusAsync(Local(port));
        await heldConnections.WaitForAsync(1);
        Assert.False(held.IsCompleted, "the connection should be held while the container is stopped");

        await DockerCli.RunAsync("start", name);
        string status;
        try
        {
            status = await held;
        }
        catch (SocketException ex)
        {
            // Once seen in CI (a reset, on the event-loop path, not reproduced since): what the ambassador did says why.
            throw new SocketException((int)ex.SocketErrorCode, $"the held connection failed ({ex.SocketErrorCode}); the ambassador logged:{Environment.NewLine}{ambassador.Logs.Dump()}");
        }

        Assert.Equal(Clients.HttpOk, status);
        await heldConnections.WaitForAsync(0);
    }

    [Fact]
    public async Task ConnectionToATargetThatDied_IsClosed()
    {
        var port = FreePort.Next();
        var name = _docker.Name("dying");
        await _docker.RunTcpEchoAsync("dying", port);
        await using var ambassador = await StartAsync("--name", name);
        await ambassador.RoutedAsync(name, port);
        using var client = await Eventually.GetAsync(async () =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(Local(port));
            await socket.SendAsync("hi"u8.ToArray());
            var echo = new byte[2];
            using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await socket.ReceiveAsync(echo, guard.Token);
            return socket;
        });

        await DockerCli.RunAsync("kill", name);

        // Closed either way (the dying backend's FIN passed on, or the follower's reset): a hang fails the test.
        using var hangGuard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await ClosedByResetAsync(client, hangGuard.Token);
    }

    [Fact]
    public async Task HeldConnection_IsClosedAfterWait_WhenNoTargetComes()
    {
        var port = FreePort.Next();
        await using var ambassador = await StartAsync("--name", _docker.Name("never"), "--port", $"{port}", "--wait", "1");

        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(Local(port)); // accepted, not refused
        using var hangGuard = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        // The proxy gives up on a held connection with an orderly close: the client reads end-of-stream.
        Assert.False(await ClosedByResetAsync(client, hangGuard.Token));
        await ambassador.Logs.WaitForAsync(line => line.EventId == 204);
    }

    /// <summary>Reads until the peer closes: true for a reset, false for a FIN; throws when <paramref name="cancellationToken"/> fires first.</summary>
    private static async Task<bool> ClosedByResetAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[256];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken) > 0)
            {
            }

            return false;
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            return true;
        }
    }
}
