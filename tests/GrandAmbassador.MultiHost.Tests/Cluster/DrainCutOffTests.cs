using GrandAmbassador.MultiHost.Tests.Lab;
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
