using System.Globalization;
using GrandAmbassador.MultiHost.Tests.Lab;
using Xunit.Abstractions;

namespace GrandAmbassador.MultiHost.Tests.Reliability;

/// <summary>
/// Issue 7, "only evidence closes a connection": 50 long-lived Redis connections through host c
/// to a Redis on host b, a PING on each every 200 ms for at least 30 s, while the control plane
/// has a fault that says nothing about the Redis itself. None of them may fail or be reset, and
/// afterwards the cluster still follows a real change (a new container on host a). Part (b) of
/// the issue (a silo's clock set back) needs a fake clock: it is a grain test, not a lab test.
/// </summary>
public sealed class OpenConnectionsTests(ITestOutputHelper output) : LabTest(output)
{
    private static readonly TimeSpan LoadFor = TimeSpan.FromSeconds(30);

    /// <summary>Longer than the 30 s lease on which agents report: an engine away this long must not expire its running containers.</summary>
    private static readonly TimeSpan EngineDown = TimeSpan.FromSeconds(35);

    private static readonly TimeSpan CutAtLeast = TimeSpan.FromSeconds(5);

    private static System.Net.IPEndPoint ThroughC => new(System.Net.IPAddress.Parse(MultiHostLab.Address("c")), LabScenario.RedisPort);

    protected override async Task RestoreLabAsync()
    {
        await MultiHostLab.RunAsync("heal", "c");
        await MultiHostLab.RunAsync("start-host", "b"); // the engine, if a test left it stopped
    }

    [Fact]
    public async Task SiloHoldingTheNamesGrainKilledAndRestarted_NoOpenConnectionIsCut_AndTheNextContainerIsFollowed()
    {
        // The grain is made to live on host a (neither the Redis's host nor the fronting one):
        // activated while a's silo is the only one, then checked through the management grain.
        await Lab.RunRedisAsync("b");
        Lab.StartAmbassador("a");
        await StartedAsync("a");
        await using (var probe = await ClusterProbe.ConnectAsync(Lab.ClusterId))
        {
            await probe.ActivateAsync(Lab.Redis);
            Lab.StartAmbassador("b");
            Lab.StartAmbassador("c", Lab.Redis);
            await RoutedAsync(["b"]);
            Assert.Equal("a", await probe.HostOfGrainAsync(Lab.Redis));
        }

        await using var load = await LongLivedLoad.StartAsync(ThroughC);
        var killed = DateTime.UtcNow;
        await Lab.KillAmbassadorAsync("a");
        var dead = await DeclaredAsync("c", "a", "Dead", killed);
        var restarted = DateTime.UtcNow;
        Lab.StartAmbassador("a");
        var back = await StartedAsync("a");
        Report($"the grain's silo (host a) SIGKILLed at {killed:HH:mm:ss.fff}; declared dead at host c after {Ms(dead - killed)} ms; " +
            $"restarted, its silo up {Ms(back - restarted)} ms after the restart");

        await FinishAsync(load);
    }

    [Fact]
    public async Task TargetHostsEngineRestartsWithLiveRestore_NoOpenConnectionIsCut_AndTheNextContainerIsFollowed()
    {
        await StageAsync();
        await using var load = await LongLivedLoad.StartAsync(ThroughC);

        var stopped = DateTime.UtcNow;
        await MultiHostLab.RunAsync("restart-engine", "b", EngineDown.TotalSeconds.ToString(CultureInfo.InvariantCulture));
        var up = DateTime.UtcNow;
        var watching = await Lab.Ambassador("b").WaitForAsync(line => line.Contains("Watching Docker engine", StringComparison.Ordinal), since: stopped);
        Report($"host b's engine stopped (live-restore) at {stopped:HH:mm:ss.fff} for {EngineDown.TotalSeconds:F0} s, answering again after {Ms(up - stopped)} ms; " +
            $"b's agent watching it again {Ms(watching.At - up)} ms later");

        await FinishAsync(load);
    }

    [Fact]
    public async Task TargetHostsAmbassadorKilledAndRestarted_NoOpenConnectionIsCut_AndTheNextContainerIsFollowed()
    {
        await StageAsync();
        await using var load = await LongLivedLoad.StartAsync(ThroughC);

        var killed = DateTime.UtcNow;
        await Lab.KillAmbassadorAsync("b");
        var dead = await DeclaredAsync("c", "b", "Dead", killed);
        var restarted = DateTime.UtcNow;
        Lab.StartAmbassador("b");
        var back = await StartedAsync("b");
        Report($"host b's grand-ambassador SIGKILLed at {killed:HH:mm:ss.fff} (its Redis runs on); declared dead at host c after {Ms(dead - killed)} ms; " +
            $"restarted, its silo up {Ms(back - restarted)} ms after the restart");

        await FinishAsync(load);
    }

    [Fact]
    public async Task FrontingHostCutOffUntilItsSiloIsDeclaredDead_NoOpenConnectionIsCut_AndTheNextContainerIsFollowed()
    {
        await StageAsync();
        await using var load = await LongLivedLoad.StartAsync(ThroughC);

        var cut = DateTime.UtcNow;
        await MultiHostLab.RunAsync("cut", "c");
        var dead = await DeclaredAsync("a", "c", "Dead", cut);
        var remaining = CutAtLeast - (DateTime.UtcNow - cut);
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining); // the 5 s: the cut itself is the fault, not a wait for an event
        }

        var healed = DateTime.UtcNow;
        await MultiHostLab.RunAsync("heal", "c");
        var rejoined = await DeclaredAsync("a", "c", "Active", healed);
        Report($"host c cut off at {cut:HH:mm:ss.fff}; its silo declared dead (seen at host a) after {Ms(dead - cut)} ms; healed after {Ms(healed - cut)} ms; " +
            $"c's new silo active (seen at host a) {Ms(rejoined - healed)} ms after the heal");
        Assert.False(Lab.Ambassador("c").HasExited, "host c's grand-ambassador process exited");

        await FinishAsync(load);
    }

    private static string Ms(TimeSpan span) => span.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture);

    /// <summary>The usual stage for Redis: it runs on host b, agents on a and b, host c fronts it and routes to b.</summary>
    private async Task StageAsync()
    {
        await Lab.RunRedisAsync("b");
        Lab.StartAmbassador("a");
        Lab.StartAmbassador("b");
        Lab.StartAmbassador("c", Lab.Redis);
        await RoutedAsync(["b"]);
    }

    private Task<(DateTime At, string Line)> RoutedAsync(string[] targets, DateTime since = default) =>
        Lab.RoutedToAsync("c", Lab.Redis, LabScenario.RedisPort, LabScenario.RedisPublishedPort, targets, since);

    /// <summary>When the (latest) ambassador of <paramref name="host"/> said it started: its silo is up.</summary>
    private async Task<DateTime> StartedAsync(string host) =>
        (await Lab.Ambassador(host).WaitForAsync(line => line.Contains($"Host {MultiHostLab.HostId(host)} (cluster", StringComparison.Ordinal))).At;

    /// <summary>When <paramref name="observer"/>'s ambassador logged that <paramref name="subject"/>'s silo became <paramref name="status"/>.</summary>
    private async Task<DateTime> DeclaredAsync(string observer, string subject, string status, DateTime since) =>
        (await Lab.Ambassador(observer).WaitForAsync(
            line => line.Contains($"Cluster member S{MultiHostLab.Address(subject)}:", StringComparison.Ordinal) && line.EndsWith($"is now {status}", StringComparison.Ordinal),
            since)).At;

    /// <summary>
    /// Keeps the load on for <see cref="LoadFor"/> at least, makes the next real change (a Redis on
    /// host a too) and checks host c follows it, then stops the load: not one request failed.
    /// </summary>
    private async Task FinishAsync(LongLivedLoad load)
    {
        var left = LoadFor - (DateTime.UtcNow - load.Started);
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left); // the 30 s of load; the connections are what is under test
        }

        var ran = DateTime.UtcNow;
        await Lab.RunRedisAsync("a");
        var (routed, _) = await RoutedAsync(["a", "b"], ran);
        await RedisProbe.ReachesAsync(ThroughC, MultiHostLab.HostId("a"));
        var served = DateTime.UtcNow;
        await load.StopAsync();

        Report($"next change: a Redis started on host a, routed by host c {Ms(routed - ran)} ms after `docker run` returned, a new connection served by it {Ms(served - ran)} ms after");
        Report("load: " + load.Describe());
        Assert.True(load.Count(LoadFailureKind.Reset) == 0, $"connections reset: {load.Describe()}");
        Assert.True(load.Failures.IsEmpty, $"requests failed: {load.Describe()}");
        Assert.True(load.Answered >= load.Connections * 100, $"too few answers for 30 s of load: {load.Describe()}");
    }

    private void Report(string line) => Output.WriteLine("figures: " + line);
}
