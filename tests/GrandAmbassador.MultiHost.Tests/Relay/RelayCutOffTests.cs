using System.Globalization;
using GrandAmbassador.MultiHost.Tests.Lab;
using Xunit.Abstractions;

namespace GrandAmbassador.MultiHost.Tests.Relay;

/// <summary>
/// Issue 17, only evidence closes a connection on the relay path: 50 long-lived Redis connections through host c
/// to the Redis on host a (published nowhere, so every one through a's relay), a PING on each every 200 ms, while
/// host a (the relay's host) or host c (the fronting one) is cut off the network for 5 s, its silo declared dead,
/// and rejoins in the same process. No connection fails, every one answers after the heal, and a new connection
/// is served.
/// </summary>
public sealed class RelayCutOffTests(ITestOutputHelper output) : LabTest(output)
{
    private static readonly TimeSpan CutAtLeast = TimeSpan.FromSeconds(5);

    private string? _cut;

    protected override async Task RestoreLabAsync()
    {
        if (_cut is not null)
        {
            await MultiHostLab.RunAsync("heal", _cut);
        }
    }

    [Theory]
    [InlineData("a")]
    [InlineData("c")]
    public async Task HostCutOffFor5sUntilItsSiloIsDeclaredDeadAndRejoins_NoRelayedConnectionFails(string cut)
    {
        using var stage = new RelayStage(Lab);
        await stage.UseTlsAsync();
        await stage.RunRedisAsync();
        // Three hosts, as the lab's cluster: b (an agent) is the third voter.
        await stage.StartAsync(cOptions: ["--wait", "120"], withB: true);
        var observer = cut == "a" ? "c" : "a";
        var process = Lab.Ambassador(cut);
        await using var load = await LongLivedLoad.StartAsync(RelayStage.ThroughC);

        var cutAt = DateTime.UtcNow;
        _cut = cut;
        await MultiHostLab.RunAsync("cut", cut);
        var (dead, _) = await stage.DeclaredAsync(observer, cut, "Dead", cutAt);
        var remaining = CutAtLeast - (DateTime.UtcNow - cutAt);
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining); // the 5 s: the cut itself is the fault, not a wait for an event
        }

        var healed = DateTime.UtcNow;
        await MultiHostLab.RunAsync("heal", cut);
        _cut = null;
        var rejoining = stage.DeclaredAsync(observer, cut, "Active", healed);
        var exited = process.WaitForExitAsync(TimeSpan.FromSeconds(120));
        if (await Task.WhenAny(rejoining, exited) == exited)
        {
            Assert.Fail($"host {cut}'s grand-ambassador process exited (code {await exited}) after its silo was declared dead; load: {load.Describe()}");
        }

        var (rejoined, _) = await rejoining;

        // The cluster follows again: a new connection through c is served (held until c routes to a again, if it must).
        var after = DateTime.UtcNow;
        Assert.Equal("+PONG", await RelayStage.PingAsync(RelayStage.ThroughC));
        var served = DateTime.UtcNow;
        await Testing.Eventually.GetAsync(
            () => load.ConnectionsAnsweredSince(after) == load.Connections ? Task.FromResult(true) : throw new InvalidOperationException($"{load.ConnectionsAnsweredSince(after)} of {load.Connections} answered"),
            TimeSpan.FromSeconds(60),
            "every long-lived connection answering after the heal");
        await load.StopAsync();

        Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"figures: host {cut} cut off at {cutAt:HH:mm:ss.fff}; declared dead at host {observer} after {Ms(dead - cutAt)} ms; healed after {Ms(healed - cutAt)} ms; " +
            $"its new silo active at {observer} {Ms(rejoined - healed)} ms after the heal; a new connection served {Ms(served - after)} ms after that"));
        Output.WriteLine("load: " + load.Describe());
        Assert.False(process.HasExited, $"host {cut}'s process exited");
        Assert.True(load.Failures.IsEmpty, $"requests failed: {load.Describe()}");
        Assert.True(load.Opened == load.Connections, $"connections were replaced: {load.Describe()}");
    }

    private static string Ms(TimeSpan span) => span.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture);
}
