using System.Globalization;
using GrandAmbassador.MultiHost.Tests.Lab;
using Xunit.Abstractions;

namespace GrandAmbassador.MultiHost.Tests.Cluster;

public sealed class RollingRedeployTests(ITestOutputHelper output) : LabTest(output)
{
    [Fact]
    public async Task RedeployFromHostAToHostB_WhileAClientOnHostCRuns_FailsNoRequest()
    {
        await Lab.FrontWebFromHostCAsync("a");

        await using var load = HttpLoad.Start(LabScenario.Through("c"));
        await load.FirstAnswerFromAsync(MultiHostLab.HostId("a"), DateTime.MinValue);

        // The redeploy: the new container starts on host B, then the old one on A is stopped and removed.
        var beforeStart = DateTime.UtcNow;
        await Lab.RunWebAsync("b");
        var firstFromB = await load.FirstAnswerFromAsync(MultiHostLab.HostId("b"), beforeStart);
        var started = await StartEventTimeAsync("b", beforeStart);
        await Lab.RoutedToAsync("c", ["a", "b"]);
        await MultiHostLab.DockerAsync("a", "stop", "-t", "10", Lab.Web);
        await MultiHostLab.DockerAsync("a", "rm", Lab.Web);
        var afterRemoval = DateTime.UtcNow;
        await Lab.RoutedToAsync("c", ["b"]);
        await load.FirstAnswerFromAsync(MultiHostLab.HostId("b"), afterRemoval.AddSeconds(2));
        await load.StopAsync();

        Output.WriteLine($"requests sent {load.Sent}, answered {load.Answers.Count}, failed {load.Failures.Count}");
        Output.WriteLine($"B's start event to the first request B served through C: {(firstFromB - started).TotalMilliseconds:F0} ms");
        Assert.Empty(load.Failures);
        Assert.True(load.Answers.Count > 100, $"only {load.Answers.Count} requests answered");
        Assert.All(load.Answers.Where(a => a.At > afterRemoval), a => Assert.Equal(MultiHostLab.HostId("b"), a.ServedBy));
    }

    private async Task<DateTime> StartEventTimeAsync(string host, DateTime since)
    {
        var nanos = await MultiHostLab.DockerAsync(
            host, "events", "--since", since.AddSeconds(-1).ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture) + "Z",
            "--until", DateTime.UtcNow.AddSeconds(1).ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture) + "Z",
            "--filter", $"container={Lab.Web}", "--filter", "event=start", "--format", "{{.TimeNano}}");
        var first = long.Parse(nanos.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
        return DateTime.UnixEpoch.AddTicks(first / 100);
    }
}
