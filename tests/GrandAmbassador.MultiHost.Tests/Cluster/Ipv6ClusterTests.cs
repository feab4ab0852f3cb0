using System.Net;
using GrandAmbassador.MultiHost.Tests.Lab;
using GrandAmbassador.Testing;
using Xunit.Abstractions;

namespace GrandAmbassador.MultiHost.Tests.Cluster;

/// <summary>
/// A cluster advertised over IPv6 (issue 18): the lab's hosts have IPv6 addresses on their bridge beside IPv4
/// (lab.sh), every silo advertises its host's IPv6 address and reaches Redis at the bridge's.
/// </summary>
public sealed class Ipv6ClusterTests(ITestOutputHelper output) : LabTest(output)
{
    [Fact]
    public async Task AClusterAdvertisedOverIpv6_ServesHostAsContainer_ThroughHostC_ToAnIpv6Client()
    {
        Lab.Ipv6 = true;
        await Lab.RunWebAsync("a");
        Lab.StartAmbassador("a");
        Lab.StartAmbassador("c", [Lab.Web], ["--listen", "::"]);   // dual-stack: IPv6 clients too

        // Host c reaches a's published port at a's advertised IPv6 address, written as an address with a port is.
        var published = $"[{MultiHostLab.Address6("a")}]:{LabScenario.PublishedPort}";
        var routed = await Lab.Ambassador("c").WaitForAsync(line => line.Contains($"{Lab.Web}: {LabScenario.WebPort}/tcp -> {published}", StringComparison.Ordinal));
        Output.WriteLine(routed.Line);

        var throughC = new IPEndPoint(IPAddress.Parse(MultiHostLab.Address6("c")), LabScenario.WebPort);
        var servedBy = await Eventually.GetAsync(() => Clients.ExchangeAsync(throughC, "GET / HTTP/1.0\r\n\r\n", halfClose: false));
        Assert.EndsWith(MultiHostLab.HostId("a"), servedBy.Trim());

        // status, as an operator runs it against the IPv6 cluster: both hosts by their IPv6 addresses.
        var (exitCode, status, error) = await ProcessRunner.RunAsync(
            "dotnet", [Repository.AmbassadorDll, "status", "--cluster", MultiHostLab.Redis6, "--cluster-id", Lab.ClusterId], TimeSpan.FromSeconds(60));
        Output.WriteLine(status);
        Assert.True(exitCode == 0, error);
        Assert.Contains($"ga-host-a ({MultiHostLab.Address6("a")})", status);
        Assert.Contains($"ga-host-c ({MultiHostLab.Address6("c")})", status);
        Assert.Contains($"published {published}", status);
    }
}
