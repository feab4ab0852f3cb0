using GrandAmbassador.MultiHost.Tests.Lab;
using GrandAmbassador.Testing;
using Xunit.Abstractions;

namespace GrandAmbassador.MultiHost.Tests.Cluster;

[Collection(LabCollection.Name)]
public sealed class RedisOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly LabScenario _lab = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        output.WriteLine(_lab.Logs());
        await MultiHostLab.RunAsync("redis-start");
        await _lab.DisposeAsync();
    }

    [Fact]
    public async Task RedisDown_AmbassadorsKeepServing_AndChangesMadeMeanwhilePropagate()
    {
        await _lab.RunWebAsync("a");
        _lab.StartAmbassador("a");
        _lab.StartAmbassador("b");
        _lab.StartAmbassador("c", _lab.Web);
        await _lab.RoutedToAsync("c", ["a"]);
        await using var load = HttpLoad.Start(LabScenario.Through("c"));
        await load.FirstAnswerFromAsync(MultiHostLab.HostId("a"), DateTime.MinValue);

        await MultiHostLab.RunAsync("redis-stop");
        var down = DateTime.UtcNow;
        await _lab.RunWebAsync("b"); // a change while the membership store is away
        await load.FirstAnswerFromAsync(MultiHostLab.HostId("a"), down.AddSeconds(5));

        await MultiHostLab.RunAsync("redis-start");
        await _lab.RoutedToAsync("c", ["a", "b"]);
        await load.FirstAnswerFromAsync(MultiHostLab.HostId("b"), down);
        await load.StopAsync();

        output.WriteLine($"requests sent {load.Sent}, failed {load.Failures.Count}");
        Assert.Empty(load.Failures);
        var (exitCode, status, error) = await ProcessRunner.RunAsync(
            "dotnet", [Repository.AmbassadorDll, "status", "--cluster", MultiHostLab.Redis, "--cluster-id", _lab.ClusterId], TimeSpan.FromSeconds(60));
        Assert.True(exitCode == 0, error);
        Assert.Contains("ga-host-b", status);
    }
}
