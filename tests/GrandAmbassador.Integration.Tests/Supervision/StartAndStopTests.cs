using GrandAmbassador.Integration.Tests.Harness;
using GrandAmbassador.Testing;

namespace GrandAmbassador.Integration.Tests.Supervision;

/// <summary>Issue 7 item 5, from the real executable: Redis away at start-up, then SIGTERM.</summary>
[Collection(DockerCollection.Name)]
public sealed class StartAndStopTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task RedisDownAtStart_OneLinePerRetry_NoStackTrace_ThenJoins_AndSigtermExitsZero()
    {
        var redisPort = FreePort.Next();
        await using var process = RunningProcess.Start("dotnet", [
            Repository.AmbassadorDll, "--cluster", $"redis://127.0.0.1:{redisPort}", "--cluster-id", $"ga-host-it-{redisPort}",
            "--name", "ga-host-it-nobody", "--no-agent", "--listen", "127.0.0.1",
            "--silo-port", $"{FreePort.Next()}", "--gateway-port", $"{FreePort.Next()}"]);

        var (_, retry) = await process.WaitForAsync(line => line.Contains("Cannot start the silo", StringComparison.Ordinal), guard: Guard);
        Assert.Contains($"Redis at 127.0.0.1:{redisPort}", retry);
        await using var redis = await StartRedisAsync(redisPort);
        await process.WaitForAsync(line => line.Contains("StartupBanner", StringComparison.Ordinal), guard: Guard);

        await Signals.SendAsync(process, "TERM");
        var exitCode = await process.WaitForExitAsync(Guard);

        Assert.Equal(0, exitCode);
        var lines = process.Lines.Select(line => line.Line).ToList();
        Assert.DoesNotContain(lines, line => line.Contains("Exception", StringComparison.Ordinal) || line.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        Assert.All(lines.Where(line => line.Contains("Cannot start the silo", StringComparison.Ordinal)), line => Assert.True(line.Length < 500, line));
    }

    private static async Task<RunningProcess> StartRedisAsync(int port)
    {
        var redis = RunningProcess.Start("redis-server", ["--port", $"{port}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
        await redis.WaitForAsync(line => line.Contains("Ready to accept connections", StringComparison.Ordinal), guard: TimeSpan.FromSeconds(30));
        return redis;
    }
}
