using System.Text.RegularExpressions;
using GrandAmbassador.Integration.Tests.Harness;
using GrandAmbassador.Testing;
using Xunit.Abstractions;
using static GrandAmbassador.Integration.Tests.Harness.RunningAmbassador;

namespace GrandAmbassador.Integration.Tests.Reliability;

/// <summary>
/// Issue 7, start-up: the cluster's Redis down when the process starts is a condition a user
/// causes every day (boot order): one log line per retry, no stack trace, and it joins once
/// Redis answers.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed partial class RedisStartupTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(90);

    private readonly DockerScope _docker = new("ga-reliab");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _docker.DisposeAsync();

    [Fact]
    public async Task RedisDownAtStartUp_OneLinePerRetry_ThenItJoins_AndFrontingWorks_WithNoStackTrace()
    {
        int redisPort = FreePort.Next(), webPort = FreePort.Next();
        var name = _docker.Name("web");
        var clusterId = _docker.Name("cluster");
        var hostId = _docker.Name("host");
        var cluster = $"redis://127.0.0.1:{redisPort}";
        await _docker.RunHttpdAsync("web", webPort);

        var started = DateTime.UtcNow;
        await using var ambassador = RunningProcess.Start("dotnet", [
            Repository.AmbassadorDll, "--cluster", cluster, "--cluster-id", clusterId, "--host-id", hostId,
            "--silo-port", $"{FreePort.Next()}", "--gateway-port", $"{FreePort.Next()}",
            "--name", name, "--listen", "127.0.0.1"]);

        // Two retries, each one line saying it retries (or the process gave up: a failure). Orleans'
        // own connection warnings say "will retry after"; the ambassador's line says "retrying".
        var retry = new Func<string, bool>(line => line.Contains("retrying", StringComparison.OrdinalIgnoreCase));
        var secondRetry = ambassador.WaitForAsync(line => retry(line) && ambassador.Lines.Count(l => retry(l.Line)) >= 2, guard: Guard);
        var exited = ambassador.WaitForExitAsync(Guard);
        if (await Task.WhenAny(secondRetry, exited) == exited)
        {
            Assert.Fail($"the process exited (code {await exited}) while Redis was down, instead of retrying:{Environment.NewLine}{ambassador.Dump()}");
        }

        var retriesBeforeRedis = ambassador.Lines.Count(l => retry(l.Line));
        var redisUp = DateTime.UtcNow;
        await using var redis = RunningProcess.Start("redis-server", ["--port", $"{redisPort}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
        await redis.WaitForAsync(line => line.Contains("Ready to accept connections", StringComparison.Ordinal));

        // Joined: the cluster lists this host (its agent registered it), and it fronts the name.
        var status = await Eventually.GetAsync(
            async () =>
            {
                var (exitCode, text, error) = await AmbassadorProcess.RunAsync(TimeSpan.FromSeconds(60), "status", "--cluster", cluster, "--cluster-id", clusterId);
                return exitCode == 0 && text.Contains(hostId, StringComparison.Ordinal) ? text : throw new InvalidOperationException($"status {exitCode}: {text} {error}");
            },
            Guard,
            "the host in the cluster's status");
        var joined = DateTime.UtcNow;
        // Routed from the local engine already before Redis answered (serving from the first second), and
        // said once: the line may predate Redis.
        await ambassador.WaitForAsync(line => line.Contains($"{name}: {webPort}/tcp -> ", StringComparison.Ordinal));
        Assert.Equal(Clients.HttpOk, await Clients.HttpGetStatusAsync(Local(webPort)));

        output.WriteLine(status);
        output.WriteLine($"figures: Redis down at start-up: {retriesBeforeRedis} retry lines in {(redisUp - started).TotalSeconds:F1} s; " +
            $"Redis started, the host listed by status {(joined - redisUp).TotalMilliseconds:F0} ms later");
        Assert.False(ambassador.HasExited);
        var traces = ambassador.Lines.Where(l => StackFrame().IsMatch(l.Line)).ToList();
        Assert.True(traces.Count == 0, $"{traces.Count} stack-trace lines on stdout/stderr:{Environment.NewLine}{ambassador.Dump()}");
    }

    // A frame "at Namespace.Type.Method[T](...)", on a line of its own or (the single-line console
    // format) inside the log line, or "--- End of stack trace from previous location ---".
    [GeneratedRegex(@"(^|\s)at [A-Za-z_][\w.`+<>\[\],|-]*\(|--- End of (inner exception )?stack trace")]
    private static partial Regex StackFrame();
}
