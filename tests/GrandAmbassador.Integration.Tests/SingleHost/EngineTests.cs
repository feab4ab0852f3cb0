using System.Diagnostics;
using GrandAmbassador.Integration.Tests.Harness;
using GrandAmbassador.Testing;
using static GrandAmbassador.Integration.Tests.Harness.RunningAmbassador;

namespace GrandAmbassador.Integration.Tests.SingleHost;

/// <summary>
/// The engine goes away and comes back. The ambassador reaches the real engine through a socat
/// relay on its own socket, so a test can cut and restore the connection without disturbing the
/// engine every other test uses.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class EngineTests : IAsyncLifetime
{
    private readonly DockerScope _docker = new("ga-it");
    private readonly string _socket = Path.Combine(Path.GetTempPath(), $"ga-it-{Guid.NewGuid():N}.sock");
    private Process? _relay;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        StopRelay();
        await _docker.DisposeAsync();
    }

    [Fact]
    public async Task EngineDownAtStartUp_IsWaitedFor_WithALinePerRetry_ThenServed()
    {
        var port = FreePort.Next();
        var name = _docker.Name("engine-late");
        await using var ambassador = await StartAsync("--name", name, "--docker", $"unix://{_socket}");
        await ambassador.Logs.WaitForAsync(line => line.EventId == 2002);
        await ambassador.Logs.WaitForAsync(line => line.EventId == 2002 && ambassador.Logs.Lines.Count(l => l.EventId == 2002) >= 2);

        await _docker.RunHttpdAsync("engine-late", port);
        StartRelay();

        await ambassador.RoutedAsync(name, port);
        Assert.Equal(Clients.HttpOk, await Eventually.GetAsync(() => Clients.HttpGetStatusAsync(Local(port))));
    }

    [Fact]
    public async Task EventStreamDrops_AgentReconnects_AndSeesWhatHappenedMeanwhile()
    {
        var port = FreePort.Next();
        var name = _docker.Name("missed");
        StartRelay();
        await using var ambassador = await StartAsync("--name", name, "--docker", $"unix://{_socket}");
        await ambassador.Logs.WaitForAsync(line => line.EventId == 2001);

        StopRelay();
        await ambassador.Logs.WaitForAsync(line => line.EventId == 2002);
        await _docker.RunHttpdAsync("missed", port); // its events are never seen by the agent
        StartRelay();

        await ambassador.RoutedAsync(name, port);
        Assert.Equal(Clients.HttpOk, await Eventually.GetAsync(() => Clients.HttpGetStatusAsync(Local(port))));
    }

    private void StartRelay()
    {
        File.Delete(_socket);
        _relay = Process.Start(new ProcessStartInfo("socat", [$"UNIX-LISTEN:{_socket},fork", "UNIX-CONNECT:/var/run/docker.sock"]))
            ?? throw new InvalidOperationException("socat did not start");
    }

    private void StopRelay()
    {
        if (_relay is { HasExited: false })
        {
            _relay.Kill(entireProcessTree: true);
            _relay.WaitForExit();
        }

        _relay?.Dispose();
        _relay = null;
        File.Delete(_socket);
    }
}
