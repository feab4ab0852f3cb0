using GrandAmbassador.MultiHost.Tests.Lab;
using GrandAmbassador.Testing;
using Xunit.Abstractions;

namespace GrandAmbassador.MultiHost.Tests.Cluster;

public sealed class RedisOutageTests(ITestOutputHelper output) : LabTest(output)
{
    protected override async Task RestoreLabAsync()
    {
        await MultiHostLab.RunAsync("redis-start");
    }

    [Fact]
    public async Task RedisDown_AmbassadorsKeepServing_AndChangesMadeMeanwhilePropagate()
    {
        await Lab.FrontWebFromHostCAsync("a");
        await using var load = HttpLoad.Start(LabScenario.Through("c"));
        await load.FirstAnswerFromAsync(MultiHostLab.HostId("a"), DateTime.MinValue);

        await MultiHostLab.RunAsync("redis-stop");
        var down = DateTime.UtcNow;
        await Lab.RunWebAsync("b"); // a change while the membership store is away
        await load.FirstAnswerFromAsync(MultiHostLab.HostId("a"), down.AddSeconds(5));

        await MultiHostLab.RunAsync("redis-start");
        await Lab.RoutedToAsync("c", ["a", "b"]);
        await load.FirstAnswerFromAsync(MultiHostLab.HostId("b"), down);
        await load.StopAsync();

        Output.WriteLine($"requests sent {load.Sent}, failed {load.Failures.Count}");
        Assert.Empty(load.Failures);
        var (exitCode, status, error) = await ProcessRunner.RunAsync(
            "dotnet", [Repository.AmbassadorDll, "status", "--cluster", MultiHostLab.Redis, "--cluster-id", Lab.ClusterId], TimeSpan.FromSeconds(60));
        Assert.True(exitCode == 0, error);
        Assert.Contains("ga-host-b", status);
    }
}
