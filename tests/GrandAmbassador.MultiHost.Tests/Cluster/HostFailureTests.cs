using GrandAmbassador.MultiHost.Tests.Lab;
using Xunit.Abstractions;

namespace GrandAmbassador.MultiHost.Tests.Cluster;

public sealed class HostFailureTests(ITestOutputHelper output) : LabTest(output)
{
    protected override async Task RestoreLabAsync()
    {
        await MultiHostLab.RunAsync("start-host", "a");
        await MultiHostLab.RunAsync("heal", "a");
    }

    [Fact]
    public async Task HostKilled_ItsEndpointsLeaveWithin10s_TrafficGoesToTheOthers_AndItsContainersComeBack()
    {
        await Lab.FrontWebFromHostCAsync("a", "b");
        await using var load = HttpLoad.Start(LabScenario.Through("c"));
        await load.FirstAnswerFromAsync(MultiHostLab.HostId("b"), DateTime.MinValue);

        var killed = DateTime.UtcNow;
        await MultiHostLab.RunAsync("kill-host", "a");
        var (left, _) = await Lab.RoutedToAsync("c", ["b"], since: killed);
        Output.WriteLine($"host a's endpoints left host c's routes {(left - killed).TotalMilliseconds:F0} ms after the kill");
        Assert.True(left - killed < TimeSpan.FromSeconds(10), $"took {(left - killed).TotalSeconds:F1} s");

        var afterDetection = DateTime.UtcNow;
        await load.FirstAnswerFromAsync(MultiHostLab.HostId("b"), afterDetection.AddSeconds(1));

        // The host comes back (its supervisor restarts the engine, the ambassador and the container).
        var restarted = DateTime.UtcNow;
        await MultiHostLab.RunAsync("start-host", "a");
        Lab.StartAmbassador("a");
        await MultiHostLab.DockerAsync("a", "start", Lab.Web);
        await Lab.RoutedToAsync("c", ["a", "b"], since: restarted);
        await load.FirstAnswerFromAsync(MultiHostLab.HostId("a"), restarted);
        await load.StopAsync();

        Output.WriteLine($"requests sent {load.Sent}, failed {load.Failures.Count}: {string.Join("; ", load.Failures.Select(f => f.Error).Distinct())}");
        Assert.All(load.Answers.Where(a => a.At > afterDetection && a.At < restarted), a => Assert.Equal(MultiHostLab.HostId("b"), a.ServedBy));
        Assert.DoesNotContain(load.Failures, f => f.At > afterDetection);
    }

    [Fact]
    public async Task HostCutOff_ItsEndpointsLeaveWithin10s_AndComeBackAfterTheNetworkHeals()
    {
        await Lab.FrontWebFromHostCAsync("a", "b");

        var cut = DateTime.UtcNow;
        await MultiHostLab.RunAsync("cut", "a");
        var (left, _) = await Lab.RoutedToAsync("c", ["b"], since: cut);
        // The 10 s goal holds for a cut-off host as for a killed one (Orleans' connection-liveness check,
        // which kept a cut-off host "alive" ~12 s, is off; docs/architecture.md's fault table has the figure).
        Output.WriteLine($"host a's endpoints left host c's routes {(left - cut).TotalMilliseconds:F0} ms after the cut");
        Assert.True(left - cut < TimeSpan.FromSeconds(10), $"took {(left - cut).TotalSeconds:F1} s");

        // A silo declared dead stops itself; its supervisor starts it again once the network is back.
        var healed = DateTime.UtcNow;
        await MultiHostLab.RunAsync("heal", "a");
        var old = Lab.Ambassador("a");
        await old.DisposeAsync();
        Lab.StartAmbassador("a");
        await Lab.RoutedToAsync("c", ["a", "b"], since: healed);
    }
}
