using GrandAmbassador.Integration.Tests.Harness;
using GrandAmbassador.Testing;
using Xunit.Abstractions;
using static GrandAmbassador.Integration.Tests.Harness.RunningAmbassador;

namespace GrandAmbassador.Integration.Tests.Supervision;

/// <summary>
/// Issue 7 item 4: a silo the cluster declares dead does not take the process down. Real processes, a
/// real Redis and a real Docker target: host a's process is paused (SIGSTOP, as a stalled VM or a long
/// GC pause would) until host b's silo declares it dead, then resumed; it learns it is dead, starts a
/// new silo and rejoins, while its proxy keeps its listener, its open connection and its routes.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class SiloDeclaredDeadTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(90);
    private readonly DockerScope _docker = new("ga-host-it");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _docker.DisposeAsync();

    [Fact]
    public async Task SiloDeclaredDead_Rejoins_WhileTheOpenConnectionLives_AndNewConnectionsAreServed()
    {
        var port = FreePort.Next();
        var name = _docker.Name("echo");
        await _docker.RunTcpEchoAsync("echo", port);
        await using var redis = await RedisServer.StartAsync();
        int siloA = FreePort.Next(), siloB = FreePort.Next();
        await using var a = Start(redis, "a", siloA, "--name", name);
        await a.WaitForAsync(line => line.Contains($"{name}: {port}/tcp -> ", StringComparison.Ordinal), guard: Guard);
        // Routed from the local engine before any silo: wait for a's silo too (its start-up banner),
        // so that b joins a cluster a is already in.
        await a.WaitForAsync(line => line.Contains("StartupBanner[7001]", StringComparison.Ordinal), guard: Guard);
        await using var b = Start(redis, "b", siloB, "--no-agent");
        await a.WaitForAsync(line => line.Contains($":{siloB}:", StringComparison.Ordinal) && line.Contains("is now Active", StringComparison.Ordinal), guard: Guard);
        using var open = await EchoConnection.OpenAsync(Local(port));

        await Signals.SendAsync(a, "STOP");
        try
        {
            await b.WaitForAsync(line => line.Contains($":{siloA}:", StringComparison.Ordinal) && line.Contains("is now Dead", StringComparison.Ordinal), guard: Guard);
        }
        finally
        {
            await Signals.SendAsync(a, "CONT");
        }

        var (_, rejoined) = await a.WaitForAsync(line => line.Contains("Rejoined the cluster", StringComparison.Ordinal), guard: Guard);
        Assert.Contains($":{siloA}:", rejoined);
        await open.RoundTripAsync();
        using var fresh = await EchoConnection.OpenAsync(Local(port));
        await open.RoundTripAsync();
        output.WriteLine(a.Dump());
        Assert.False(a.HasExited, a.Dump());
    }

    private static RunningProcess Start(RedisServer redis, string host, int siloPort, params string[] args) =>
        RunningProcess.Start("dotnet", [
            Repository.AmbassadorDll, "--cluster", redis.ClusterUri, "--cluster-id", $"ga-host-it-{redis.Port}",
            "--host-id", $"ga-host-it-{host}", "--listen", "127.0.0.1",
            "--silo-port", $"{siloPort}", "--gateway-port", $"{FreePort.Next()}", .. args]);
}
