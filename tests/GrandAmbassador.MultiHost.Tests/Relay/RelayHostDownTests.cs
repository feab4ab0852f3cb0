using System.Globalization;
using GrandAmbassador.MultiHost.Tests.Lab;
using Xunit.Abstractions;

namespace GrandAmbassador.MultiHost.Tests.Relay;

/// <summary>
/// Issue 17: host a's grand-ambassador process, and so its relay, goes away (or only its relay's port is closed)
/// while its Redis (published nowhere) runs on. New connections through host c are held, not refused, and served once a's process is back. A
/// connection relayed through the killed process is cut (the relay carried it; documented), and the time from
/// the restart to the first new connection served is reported.
/// </summary>
public sealed class RelayHostDownTests(ITestOutputHelper output) : LabTest(output)
{
    private static readonly string[] HoldLong = ["--wait", "180"];

    private bool _firewalled;

    /// <summary>
    /// A supervisor's restart: SIGKILL, then started again at once. The connection relayed through the killed
    /// process ends; a PING sent on a new connection while nothing listens on a's relay is held and answered once the
    /// new process serves, which the test times from the restart.
    /// </summary>
    [Fact]
    public async Task RelayHostsProcessKilledAndRestartedAtOnce_ItsRelayedConnectionIsCut_ANewOneIsHeldAndServedAfterTheRestart()
    {
        using var stage = new RelayStage(Lab);
        await stage.UseTlsAsync();
        await stage.RunRedisAsync();
        await stage.StartAsync(cOptions: HoldLong);
        await using var relayed = await RedisConnection.OpenAsync(RelayStage.ThroughC);
        Assert.Equal("+PONG", await relayed.CommandAsync("PING"));

        var killed = DateTime.UtcNow;
        await Lab.KillAmbassadorAsync("a");
        // The relayed connection ends with the process that carried it: its next command fails, it is not left hanging.
        var cut = await Assert.ThrowsAnyAsync<Exception>(() => relayed.CommandAsync("PING"));
        Output.WriteLine($"the relayed connection after the kill: {cut.GetType().Name}: {cut.Message}");
        Assert.True(cut is IOException or EndOfStreamException, $"not a closed or reset connection: {cut}");

        await using var held = await RedisConnection.OpenAsync(RelayStage.ThroughC);
        var ping = held.CommandAsync("PING");
        var restarted = DateTime.UtcNow;
        var process = Lab.StartAmbassador("a");
        Assert.Equal("+PONG", await ping);
        var answered = DateTime.UtcNow;
        var fresh = DateTime.UtcNow;
        Assert.Equal("+PONG", await RelayStage.PingAsync(RelayStage.ThroughC));
        var freshAnswered = DateTime.UtcNow;

        var relayUp = process.Lines.FirstOrDefault(l => l.Line.Contains("relay", StringComparison.OrdinalIgnoreCase) && l.Line.Contains("listening", StringComparison.OrdinalIgnoreCase));
        Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"figures: host a's process SIGKILLed at {killed:HH:mm:ss.fff}, started again {Ms(restarted - killed)} ms later; its relay listening {(relayUp == default ? "(not logged)" : Ms(relayUp.At - restarted) + " ms")} after the restart; " +
            $"the PING held through c answered {Ms(answered - restarted)} ms after the restart{(relayUp == default ? "" : $" ({Ms(answered - relayUp.At)} ms after the relay listened)")}; " +
            $"a new connection then answered in {Ms(freshAnswered - fresh)} ms"));
    }

    /// <summary>
    /// Host a's process stays down past its silo being declared dead: a PING on a new connection through c while c
    /// still routes to a's unreachable relay, and another once the cluster dropped a's endpoints, are both held and
    /// answered only after a's process is back.
    /// </summary>
    [Fact]
    public async Task RelayHostsProcessDown_NewConnectionsThroughHostCAreHeld_AndServedOnceItIsBack()
    {
        using var stage = new RelayStage(Lab);
        await stage.UseTlsAsync();
        await stage.RunRedisAsync();
        await stage.StartAsync(cOptions: HoldLong);

        var killed = DateTime.UtcNow;
        await Lab.KillAmbassadorAsync("a");
        // At once: host c still routes the name through a's relay, which nothing answers.
        await using var early = await RedisConnection.OpenAsync(RelayStage.ThroughC);
        var earlyPing = early.CommandAsync("PING");
        var (dead, _) = await stage.DeclaredAsync("c", "a", "Dead", killed);
        var status = await stage.StatusAsync();
        Output.WriteLine($"status while host a's process is down:{Environment.NewLine}{status}");
        // Then: host a's silo is declared dead and its endpoints have left the cluster's view.
        await using var late = await RedisConnection.OpenAsync(RelayStage.ThroughC);
        var latePing = late.CommandAsync("PING");
        Assert.False(earlyPing.IsCompleted, $"the PING sent right after the kill ended before host a was back: {Describe(earlyPing)}");

        var restarted = DateTime.UtcNow;
        Lab.StartAmbassador("a");
        Assert.Equal("+PONG", await earlyPing);
        var earlyAnswered = DateTime.UtcNow;
        Assert.Equal("+PONG", await latePing);
        var lateAnswered = DateTime.UtcNow;
        Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"figures: host a's process SIGKILLed at {killed:HH:mm:ss.fff}; declared dead at c after {Ms(dead - killed)} ms; started again {Ms(restarted - killed)} ms after the kill; " +
            $"the PING held since the kill answered {Ms(earlyAnswered - restarted)} ms after the restart, the one held since a was declared dead {Ms(lateAnswered - restarted)} ms after it"));
    }

    /// <summary>
    /// Host a's process runs, its silo too, but its relay port is closed (a firewall rule in host a that resets
    /// every packet to it, as a forgotten port to open would): status says the relay is unreachable and why; a PING
    /// on a new connection through c is held, and answered once the port is open again; status then says relay
    /// without a problem.
    /// </summary>
    [Fact]
    public async Task RelayPortClosedByAFirewall_StatusSaysWhy_NewConnectionsAreHeldAndServedOnceItOpens()
    {
        using var stage = new RelayStage(Lab);
        await stage.UseTlsAsync();
        await stage.RunRedisAsync();
        await stage.StartAsync(cOptions: HoldLong);
        var through = RelayStage.ReachedThroughRelay("c", "a");
        await stage.StatusSaysAsync(through);

        var closed = DateTime.UtcNow;
        await MultiHostLab.RunAsync(["exec", "a", .. Firewall("-I")]);
        _firewalled = true;
        // A new connection's PING: c's link to a's relay is reset by the rule, and every new one refused.
        await using var held = await RedisConnection.OpenAsync(RelayStage.ThroughC);
        var ping = held.CommandAsync("PING");
        var first = ReachLine(await stage.StatusSaysAsync(through + ", unreachable since "), through);
        Output.WriteLine($"status {Ms(DateTime.UtcNow - closed)} ms after the port was closed: {first}");
        // Why, as it is now: every dial of the relay is refused by host a (the first failure may be the old link's end).
        var why = ReachLine(await stage.StatusSaysAsync(": connection refused"), through);
        Output.WriteLine($"status {Ms(DateTime.UtcNow - closed)} ms after the port was closed: {why}");
        Assert.StartsWith(through + ", unreachable since ", why, StringComparison.Ordinal);
        Assert.False(ping.IsCompleted, $"the PING sent while the relay's port was closed ended before it opened: {Describe(ping)}");

        var opened = DateTime.UtcNow;
        await MultiHostLab.RunAsync(["exec", "a", .. Firewall("-D")]);
        _firewalled = false;
        Assert.Equal("+PONG", await ping);
        var answered = DateTime.UtcNow;
        var after = await stage.StatusSaysAsync(through + Environment.NewLine);
        Assert.DoesNotContain(through + ", unreachable", after, StringComparison.Ordinal);
        Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"figures: host a's relay port closed for {Ms(opened - closed)} ms; the held PING answered {Ms(answered - opened)} ms after it opened"));
    }

    private static string ReachLine(string status, string through) =>
        status.Split('\n').Single(line => line.Contains(through, StringComparison.Ordinal)).Trim();

    protected override async Task RestoreLabAsync()
    {
        if (_firewalled)
        {
            await MultiHostLab.RunAsync(["exec", "a", .. Firewall("-D")]);
        }
    }

    /// <summary>The rule in host a that resets every TCP packet to its relay's port (<c>-I</c> adds it, <c>-D</c> removes it).</summary>
    private static string[] Firewall(string action) =>
        ["iptables", action, "INPUT", "-p", "tcp", "--dport", $"{RelayStage.DefaultRelayPort}", "-j", "REJECT", "--reject-with", "tcp-reset"];

    private static string Describe(Task<string> ping) =>
        ping.IsCompletedSuccessfully ? ping.Result : ping.Exception?.GetBaseException().Message ?? "cancelled";

    private static string Ms(TimeSpan span) => span.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture);
}
