using GrandAmbassador.MultiHost.Tests.Lab;
using GrandAmbassador.Testing;
using Xunit.Abstractions;

namespace GrandAmbassador.MultiHost.Tests.Cluster;

/// <summary>A drain names the fronting ambassador that cannot confirm, and fails after its timeout.</summary>
public sealed class DrainCutOffTests(ITestOutputHelper output) : LabTest(output)
{
    protected override async Task RestoreLabAsync() => await MultiHostLab.RunAsync("heal", "b");

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

        await MultiHostLab.RunAsync("cut", "b");
        var started = DateTime.UtcNow;
        var (exitCode, said, error) = await MultiHostLab.CommandAsync(
            "c", Lab.ClusterId, "drain", Lab.Web, "--host", MultiHostLab.HostId("a"), "--timeout", "5");
        var took = DateTime.UtcNow - started;
        Output.WriteLine($"exit {exitCode} after {took.TotalSeconds:F1} s: {said}{error}");

        Assert.Equal(1, exitCode);
        Assert.Contains($"not confirmed within 5 s by {MultiHostLab.HostId("b")} ({Lab.Web})", error, StringComparison.Ordinal);
        Assert.DoesNotContain(MultiHostLab.HostId("c"), error, StringComparison.Ordinal);
        Assert.True(took >= TimeSpan.FromSeconds(5), $"gave up after {took.TotalSeconds:F1} s");
    }
}
