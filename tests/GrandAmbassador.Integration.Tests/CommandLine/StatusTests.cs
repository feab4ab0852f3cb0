using System.Diagnostics;
using GrandAmbassador.Integration.Tests.Harness;
using GrandAmbassador.Testing;

namespace GrandAmbassador.Integration.Tests.CommandLine;

/// <summary><c>grand-ambassador status</c> as a user runs it against the single-host ambassador.</summary>
[Collection(DockerCollection.Name)]
public sealed class StatusTests : IAsyncLifetime
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);
    private readonly DockerScope _docker = new("ga-status");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _docker.DisposeAsync();

    [Fact]
    public async Task NothingListensOnTheGateway_OneLineWithinASecond_ExitOne()
    {
        var port = FreePort.Next();
        var clock = Stopwatch.StartNew();

        var (exitCode, output, error) = await AmbassadorProcess.RunAsync(Guard, "status", "--gateway-port", $"{port}");

        // The process's own start-up (a .NET runtime on a loaded machine) is most of it.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal(1, exitCode);
        Assert.Equal("", output);
        Assert.Equal($"grand-ambassador: no ambassador is running at 127.0.0.1:{port} (connection refused)", error.Trim());
    }

    [Fact]
    public async Task FrontedNamesFirst_OthersBehindAll_OneNameByItsArgument_NoCrossHostAdviceOnASingleHost()
    {
        var port = FreePort.Next();
        await _docker.RunHttpdAsync("web", port);
        await _docker.RunHttpdAsync("bystander", FreePort.Next());
        string name = _docker.Name("web"), bystander = _docker.Name("bystander");
        var gateway = FreePort.Next();
        await using var ambassador = await RunningAmbassador.StartAsync("--name", name, "--gateway-port", $"{gateway}", "--silo-port", $"{FreePort.Next()}");
        await ambassador.RoutedAsync(name, port);
        string[] status = ["status", "--gateway-port", $"{gateway}"];

        // The fronting registration reaches the directory within a second of listening.
        var fronted = await Eventually.GetAsync(async () =>
        {
            var (code, text, error) = await AmbassadorProcess.RunAsync(Guard, status);
            return code == 0 && text.Contains($"\n{name}\n", StringComparison.Ordinal)
                ? text
                : throw new InvalidOperationException($"status exited {code}: {text} {error}");
        }, what: "status listing the fronted name");
        Assert.Contains($"\n{name}\n", fronted, StringComparison.Ordinal);
        Assert.DoesNotContain(bystander, fronted, StringComparison.Ordinal);
        Assert.Matches(@"\n\d+ other names? \(containers no ambassador fronts\): status --all lists them\n", fronted);
        Assert.DoesNotContain("other hosts", fronted, StringComparison.Ordinal);
        Assert.Contains("reachable from this host", fronted, StringComparison.Ordinal);

        var (allCode, all, _) = await AmbassadorProcess.RunAsync(Guard, [.. status, "--all"]);
        Assert.Equal(0, allCode);
        Assert.True(all.IndexOf($"\n{name}\n", StringComparison.Ordinal) < all.IndexOf($"\n{bystander}\n", StringComparison.Ordinal), all);

        var (oneCode, one, _) = await AmbassadorProcess.RunAsync(Guard, [.. status, bystander]);
        Assert.Equal(0, oneCode);
        Assert.Contains($"\n{bystander}\n", one, StringComparison.Ordinal);
        Assert.DoesNotContain($"\n{name}\n", one, StringComparison.Ordinal);
        Assert.DoesNotContain("other name", one, StringComparison.Ordinal);
    }
}
