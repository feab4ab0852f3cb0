using GrandAmbassador.MultiHost.Tests.Lab;
using GrandAmbassador.Testing;
using Xunit.Abstractions;

namespace GrandAmbassador.MultiHost.Tests.Cluster;

[Collection(LabCollection.Name)]
public sealed class CrossHostTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly LabScenario _lab = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        output.WriteLine(_lab.Logs());
        await _lab.DisposeAsync();
    }

    [Fact]
    public async Task ContainerOnHostA_IsServedThroughHostC_AndAnUnpublishedOneIsReportedUnreachable()
    {
        var hidden = $"{_lab.ClusterId}-hidden";
        await _lab.RunWebAsync("a");
        await _lab.RunWebAsync("a", name: hidden, publish: false, port: 8081);
        _lab.StartAmbassador("a");
        _lab.StartAmbassador("c", _lab.Web, hidden);

        await _lab.RoutedToAsync("c", ["a"]);
        var servedBy = await Eventually.GetAsync(() => Clients.ExchangeAsync(LabScenario.Through("c"), "GET / HTTP/1.0\r\n\r\n", halfClose: false));
        Assert.EndsWith(MultiHostLab.HostId("a"), servedBy.Trim());

        var unreachable = await _lab.Ambassador("c").WaitForAsync(line => line.Contains($"{hidden}: container {hidden} on host ga-host-a is unreachable for 8081/tcp", StringComparison.Ordinal));
        Assert.Contains("publishes no host port", unreachable.Line);

        var (exitCode, status, error) = await ProcessRunner.RunAsync(
            "dotnet", [Repository.AmbassadorDll, "status", "--cluster", MultiHostLab.Redis, "--cluster-id", _lab.ClusterId], TimeSpan.FromSeconds(60));
        output.WriteLine(status);
        Assert.True(exitCode == 0, error);
        Assert.Contains($"ga-host-a ({MultiHostLab.Address("a")})", status);
        Assert.Contains($"ga-host-c ({MultiHostLab.Address("c")})", status);
        Assert.Contains($"published {MultiHostLab.Address("a")}:{LabScenario.PublishedPort}; reachable from every host", status);
        Assert.Contains("reachable from ga-host-a only", status);
    }
}
