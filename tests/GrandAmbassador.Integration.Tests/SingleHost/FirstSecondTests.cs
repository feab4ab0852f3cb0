using GrandAmbassador.Integration.Tests.Harness;
using GrandAmbassador.Testing;
using Microsoft.Extensions.Logging;
using static GrandAmbassador.Integration.Tests.Harness.RunningAmbassador;

namespace GrandAmbassador.Integration.Tests.SingleHost;

/// <summary>
/// Serving from the first second: a name whose container runs on this host listens as soon as the
/// local engine has answered, without waiting for the silo and the grain (the local engine's seed).
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class FirstSecondTests : IAsyncLifetime
{
    private readonly DockerScope _docker = new("ga-first");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _docker.DisposeAsync();

    [Fact]
    public async Task SiloThatCannotStart_ALocalContainerIsServedAnyway_AndOneStartedAfterwardsToo()
    {
        int port = FreePort.Next(), laterPort = FreePort.Next();
        var name = _docker.Name("early");
        var later = _docker.Name("later");
        await _docker.RunHttpdAsync("early", port);
        // A cluster whose Redis does not answer: the silo retries its start for as long as the test runs.
        var redis = FreePort.Next();
        await using var ambassador = await StartBesideTheSiloAsync(
            "--name", name, "--name", later, "--cluster", $"redis://127.0.0.1:{redis}", "--advertise", "192.0.2.10",
            "--silo-port", $"{FreePort.Next()}", "--gateway-port", $"{FreePort.Next()}");

        await ambassador.RoutedAsync(name, port);
        Assert.Equal(Clients.HttpOk, await Clients.HttpGetStatusAsync(Local(port)));

        // Started after the ambassador, still before any silo: followed from the engine's events.
        await _docker.RunHttpdAsync("later", laterPort);
        await ambassador.RoutedAsync(later, laterPort);
        Assert.Equal(Clients.HttpOk, await Clients.HttpGetStatusAsync(Local(laterPort)));

        // All of it served while the silo keeps failing to start (its first failure may be logged only now).
        await ambassador.Logs.WaitForAsync(line => line.Message.Contains("Cannot start the silo", StringComparison.Ordinal));
        Assert.Null(ambassador.Runtime.ControlPlane);
    }

    [Fact]
    public async Task SingleHost_RoutesBeforeTheSiloIsUp_ThenTheGrainTakesOverWithoutSayingItAgain_AndFollowsARestart()
    {
        var port = FreePort.Next();
        var name = _docker.Name("seeded");
        await _docker.RunHttpdAsync("seeded", port);
        await using var ambassador = await StartAsync("--name", name);

        var routed = await ambassador.RoutedAsync(name, port);
        var banner = await ambassador.Logs.WaitForAsync(line => line.EventId == 7001);
        Assert.True(routed.At <= banner.At, $"routed at {routed.At:HH:mm:ss.fff}, the silo was up at {banner.At:HH:mm:ss.fff}");
        Assert.Contains("LocalEngine", routed.Category, StringComparison.Ordinal);

        // The follower took over the seed's routes: once the grain has reported the same container, the
        // route is not logged a second time, and nothing was closed or re-opened.
        await ambassador.Logs.WaitForAsync(line => line.EventId == 5001 && line.Message.StartsWith($"{name}: ", StringComparison.Ordinal));
        Assert.Equal(Clients.HttpOk, await Clients.HttpGetStatusAsync(Local(port)));
        var before = await DockerScope.InspectAsync(name, "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}");

        var restarted = DateTime.UtcNow;
        await DockerCli.RunAsync("stop", "-t", "1", name);
        await _docker.RunAsync("squatter", [], DockerScope.Busybox, "sleep", "300");
        await DockerCli.RunAsync("start", name);
        var after = await DockerScope.InspectAsync(name, "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}");
        Assert.NotEqual(before, after);
        var followed = await ambassador.Logs.WaitForAsync(line => line.EventId == 3002 && line.Message.Contains($"{after}:{port}", StringComparison.Ordinal), restarted);
        Assert.DoesNotContain("LocalEngine", followed.Category, StringComparison.Ordinal);
        Assert.Equal(Clients.HttpOk, await Clients.HttpGetStatusAsync(Local(port)));
        Assert.Single(ambassador.Logs.Lines, line => line.EventId == 3002 && line.Message.Contains($"{before}:{port}", StringComparison.Ordinal));
        Assert.Single(ambassador.Logs.Lines, line => line.EventId == 103);
    }

    [Fact]
    public async Task ActivationInternals_AreNotLoggedAboveDebug()
    {
        var port = FreePort.Next();
        var name = _docker.Name("quiet");
        await _docker.RunHttpdAsync("quiet", port);
        await using var ambassador = await StartAsync("--name", name);
        await ambassador.RoutedAsync(name, port);

        // The grain's own bookkeeping (its completeness deadline) is nothing a user can act on.
        var deadline = await ambassador.Logs.WaitForAsync(line => line.EventId == 5007);
        Assert.Equal(LogLevel.Debug, deadline.Level);
        Assert.DoesNotContain(
            ambassador.Logs.Lines,
            line => line.Category.Contains("ContainerEndpointGrain", StringComparison.Ordinal) && line.Level >= LogLevel.Information);
    }
}
