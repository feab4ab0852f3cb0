using System.Text.RegularExpressions;
using GrandAmbassador.MultiHost.Tests.Lab;
using GrandAmbassador.Testing;
using Xunit.Abstractions;

namespace GrandAmbassador.MultiHost.Tests.Cluster;

/// <summary>A drain names the fronting ambassador that cannot confirm, and fails after its timeout (or, when the cluster declared it dead first, does not wait for it).</summary>
public sealed class DrainCutOffTests(ITestOutputHelper output) : LabTest(output)
{
    protected override async Task RestoreLabAsync()
    {
        await MultiHostLab.RunAsync("heal", "b");
        foreach (var other in (string[])["b", "c"])
        {
            try
            {
                await MultiHostLab.RunAsync(["exec", "a", "iptables", .. GatewayRefusal("-D", other)]);
            }
            catch (InvalidOperationException)
            {
                // Not there: the test ended before it cut b off.
            }
        }
    }

    /// <summary>
    /// In host a's network, where the `drain` client runs: connections to <paramref name="other"/>'s gateway are refused
    /// at once, so that the client (gateways from Redis) talks to host a's silo, which holds host a's agent and knows
    /// where it is. Through b's gateway it waited on a cut-off host (and b could be declared dead, rightly not waited
    /// for, before the drain began); through c's, finding host a's agent could need the directory partition that b
    /// holds, unanswered until b is declared dead. b's silo stays cut off from everyone, which is what the test is about.
    /// </summary>
    private static string[] GatewayRefusal(string action, string other) =>
        [action, "OUTPUT", "-d", MultiHostLab.Address(other), "-p", "tcp", "--dport", "30000", "-j", "REJECT", "--reject-with", "tcp-reset"];

    [Fact]
    public async Task Drain_WithOneFrontingAmbassadorCutOff_ExitsNonZeroAfterItsTimeout_NamingIt()
    {
        await Lab.RunWebAsync("a");
        Lab.StartAmbassador("a");
        Lab.StartAmbassador("c", Lab.Web);
        await Lab.RoutedToAsync("c", ["a"]);
        // Last, once the name's grain and the directory are active on a or c: cut off, b is what fails to confirm.
        Lab.StartAmbassador("b", Lab.Web);
        await Lab.RoutedToAsync("b", ["a"]);

        // Where a drain of host a goes: host a's own silo (its agent registered first), so that cutting off b
        // cannot take it away. Placed anywhere, it was on b once, and the drain was refused for host a.
        await using (var probe = await ClusterProbe.ConnectAsync(Lab.ClusterId))
        {
            Assert.Equal("a", await probe.HostOfGrainAsync(MultiHostLab.HostId("a"), "HostAgentGrain"));

            // b fronts the name as far as the cluster knows (its registration reached the directory), which is what
            // a drain goes by: cut off before that, b is a host the cluster never heard of, not one that failed to confirm.
            await Eventually.GetAsync(
                async () => await probe.FrontsAsync(MultiHostLab.HostId("b"), Lab.Web) ? true : throw new InvalidOperationException("not yet"),
                what: "the host directory listing host b as fronting the name");
        }

        await MultiHostLab.RunAsync(["exec", "a", "iptables", .. GatewayRefusal("-I", "b")]);
        await MultiHostLab.RunAsync(["exec", "a", "iptables", .. GatewayRefusal("-I", "c")]);
        await MultiHostLab.RunAsync("cut", "b");
        var started = DateTime.UtcNow;
        var (exitCode, said, error) = await MultiHostLab.CommandAsync(
            "a", Lab.ClusterId, "drain", Lab.Web, "--host", MultiHostLab.HostId("a"), "--timeout", "5");
        var took = DateTime.UtcNow - started;
        Output.WriteLine($"exit {exitCode} after {took.TotalSeconds:F1} s: {said}{error}");
        var bDead = $@"Cluster member S{Regex.Escape(MultiHostLab.Address("b"))}:11111:\d+ is now Dead";
        if (exitCode == 1 && error.Contains($"no agent of host {MultiHostLab.HostId("a")} answered", StringComparison.Ordinal))
        {
            // The drain asked while the cluster was still taking the cut host's part of the grain directory over (seen
            // once in CI): said in one line, and a user asks again. Once b is declared dead, the second ask is the
            // exit-0 case below.
            await Eventually.GetAsync(
                () => Task.FromResult(Regex.IsMatch(Lab.Logs(), bDead) ? true : throw new InvalidOperationException("not yet")),
                what: "host b declared dead");
            (exitCode, said, error) = await MultiHostLab.CommandAsync(
                "a", Lab.ClusterId, "drain", Lab.Web, "--host", MultiHostLab.HostId("a"), "--timeout", "5");
            Output.WriteLine($"asked again: exit {exitCode}: {said}{error}");
            Assert.Equal(0, exitCode);
        }

        if (exitCode == 0)
        {
            // The race that cannot be closed from outside: Orleans declares a cut-off silo dead within ~3 s here (1 s
            // probes, 3 missed), and the drain, a new process, sometimes asks only after that. A dead host is rightly not
            // waited for; checked as such: b's death is in the logs, and c alone confirmed.
            Assert.Matches(bDead, Lab.Logs());
            Assert.Contains($"confirmed by {MultiHostLab.HostId("c")} ({Lab.Web})", said, StringComparison.Ordinal);
            Assert.DoesNotContain(MultiHostLab.HostId("b"), said, StringComparison.Ordinal);
            return;
        }

        Assert.Equal(1, exitCode);
        Assert.Contains($"not confirmed within 5 s by {MultiHostLab.HostId("b")} ({Lab.Web})", error, StringComparison.Ordinal);
        Assert.DoesNotContain(MultiHostLab.HostId("c"), error, StringComparison.Ordinal);
        Assert.True(took >= TimeSpan.FromSeconds(5), $"gave up after {took.TotalSeconds:F1} s");
    }
}
