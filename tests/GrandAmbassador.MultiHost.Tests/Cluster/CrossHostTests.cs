using GrandAmbassador.MultiHost.Tests.Lab;
using GrandAmbassador.Testing;
using Xunit.Abstractions;

namespace GrandAmbassador.MultiHost.Tests.Cluster;

public sealed class CrossHostTests(ITestOutputHelper output) : LabTest(output)
{
    [Fact]
    public async Task ContainerOnHostA_IsServedThroughHostC_AndAnUnpublishedOneIsReportedUnreachable()
    {
        var hidden = $"{Lab.ClusterId}-hidden";
        await Lab.RunWebAsync("a");
        await Lab.RunWebAsync("a", name: hidden, publish: false, port: 8081);
        Lab.StartAmbassador("a");
        Lab.StartAmbassador("c", Lab.Web, hidden);

        await Lab.RoutedToAsync("c", ["a"]);
        var servedBy = await Eventually.GetAsync(() => Clients.ExchangeAsync(LabScenario.Through("c"), "GET / HTTP/1.0\r\n\r\n", halfClose: false));
        Assert.EndsWith(MultiHostLab.HostId("a"), servedBy.Trim());

        var unreachable = await Lab.Ambassador("c").WaitForAsync(line => line.Contains($"{hidden}: container {hidden} on host ga-host-a is unreachable for 8081/tcp", StringComparison.Ordinal));
        Assert.Contains("publishes no host port", unreachable.Line);

        var (exitCode, status, error) = await ProcessRunner.RunAsync(
            "dotnet", [Repository.AmbassadorDll, "status", "--cluster", MultiHostLab.Redis, "--cluster-id", Lab.ClusterId], TimeSpan.FromSeconds(60));
        Output.WriteLine(status);
        Assert.True(exitCode == 0, error);
        Assert.Contains($"ga-host-a ({MultiHostLab.Address("a")})", status);
        Assert.Contains($"ga-host-c ({MultiHostLab.Address("c")})", status);
        Assert.Contains($"published {MultiHostLab.Address("a")}:{LabScenario.PublishedPort}; reachable from every host", status);
        Assert.Contains("reachable from ga-host-a only", status);
        Assert.Contains($"{Lab.Web}{Environment.NewLine}  fronted by: ga-host-c (8080/tcp){Environment.NewLine}", status);
    }
}
