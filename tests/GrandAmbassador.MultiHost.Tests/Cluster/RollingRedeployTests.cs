using System.Globalization;
using GrandAmbassador.MultiHost.Tests.Lab;
using Xunit.Abstractions;

namespace GrandAmbassador.MultiHost.Tests.Cluster;

[Collection(LabCollection.Name)]
public sealed class RollingRedeployTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly LabScenario _lab = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        output.WriteLine(_lab.Logs());
        await _lab.DisposeAsync();
    }

    [Fact]
    public async Task RedeployFromHostAToHostB_WhileAClientOnHostCRuns_FailsNoRequest()
    {
        await _lab.RunWebAsync("a");
        _lab.StartAmbassador("a");
        _lab.StartAmbassador("b");
        _lab.StartAmbassador("c", _lab.Web);
        await _lab.RoutedToAsync("c", ["a"]);

        await using var load = HttpLoad.Start(LabScenario.Through("c"));
        await load.FirstAnswerFromAsync(MultiHostLab.HostId("a"), DateTime.MinValue);

        // The redeploy: the new container starts on host B, then the old one on A is stopped and removed.
        var beforeStart = DateTime.UtcNow;
        await _lab.RunWebAsync("b");
        var firstFromB = await load.FirstAnswerFromAsync(MultiHostLab.HostId("b"), beforeStart);
        var started = await StartEventTimeAsync("b", beforeStart);
        await _lab.RoutedToAsync("c", ["a", "b"]);
        await MultiHostLab.DockerAsync("a", "stop", "-t", "10", _lab.Web);
        await MultiHostLab.DockerAsync("a", "rm", _lab.Web);
        var afterRemoval = DateTime.UtcNow;
        await _lab.RoutedToAsync("c", ["b"]);
        await load.FirstAnswerFromAsync(MultiHostLab.HostId("b"), afterRemoval.AddSeconds(2));
        await load.StopAsync();

        output.WriteLine($"requests sent {load.Sent}, answered {load.Answers.Count}, failed {load.Failures.Count}");
        output.WriteLine($"B's start event to the first request B served through C: {(firstFromB - started).TotalMilliseconds:F0} ms");
        Assert.Empty(load.Failures);
        Assert.True(load.Answers.Count > 100, $"only {load.Answers.Count} requests answered");
        Assert.All(load.Answers.Where(a => a.At > afterRemoval), a => Assert.Equal(MultiHostLab.HostId("b"), a.ServedBy));
    }

    private async Task<DateTime> StartEventTimeAsync(string host, DateTime since)
    {
        var nanos = await MultiHostLab.DockerAsync(
            host, "events", "--since", since.AddSeconds(-1).ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture) + "Z",
            "--until", DateTime.UtcNow.AddSeconds(1).ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture) + "Z",
            "--filter", $"container={_lab.Web}", "--filter", "event=start", "--format", "{{.TimeNano}}");
        var first = long.Parse(nanos.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
        return DateTime.UnixEpoch.AddTicks(first / 100);
    }
}
