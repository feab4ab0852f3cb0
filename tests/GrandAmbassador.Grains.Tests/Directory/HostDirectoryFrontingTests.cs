using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;

namespace GrandAmbassador.Grains.Tests.Directory;

/// <summary>Which ambassadors front which names: registered with the host directory on a lease.</summary>
[Collection(ClusterCollection.Name)]
public sealed class HostDirectoryFrontingTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private IHostDirectoryGrain Directory => fixture.Client.GetGrain<IHostDirectoryGrain>(IHostDirectoryGrain.Key);

    [Fact]
    public async Task Fronting_OfTwoHosts_IsListedByHost_AndARegistrationReplacesTheLast()
    {
        var (hostC, hostD) = (Unique("host-c"), Unique("host-d"));
        await Directory.RegisterFrontingAsync(Fronting(hostD, ("web", [new FrontedListener(8080, PortProtocol.Tcp)])), Lease);
        await Directory.RegisterFrontingAsync(Fronting(hostC, ("web", [new FrontedListener(8080, PortProtocol.Tcp)]), ("dns", [new FrontedListener(53, PortProtocol.Udp)])), Lease);
        await Directory.RegisterFrontingAsync(Fronting(hostC, ("web", [new FrontedListener(8081, PortProtocol.Tcp)])), Lease);

        var mine = (await Directory.GetFrontingAsync()).Where(host => host.HostId == hostC || host.HostId == hostD).ToList();

        Assert.Equal([hostC, hostD], mine.Select(host => host.HostId));
        var web = Assert.Single(mine[0].Names);
        Assert.Equal("web", web.Name);
        Assert.Equal("8081/tcp", Assert.Single(web.Listeners).ToString());
    }

    [Fact]
    public async Task Fronting_LeavesWhenItsLeaseEnds_OrWhenItFrontsNothing()
    {
        var (lapsing, stopped) = (Unique("host-lapsing"), Unique("host-stopped"));
        await Directory.RegisterFrontingAsync(Fronting(lapsing, ("web", [])), Lease);
        await Directory.RegisterFrontingAsync(Fronting(stopped, ("web", [])), Lease);
        Assert.Equal(2, (await Directory.GetFrontingAsync()).Count(host => host.HostId == lapsing || host.HostId == stopped));

        await Directory.RegisterFrontingAsync(Fronting(stopped), Lease);
        Assert.Equal([lapsing], (await Directory.GetFrontingAsync()).Select(host => host.HostId).Where(id => id == lapsing || id == stopped));

        fixture.Time.Advance(Lease + TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(await Directory.GetFrontingAsync(), host => host.HostId == lapsing);
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private static FrontingRegistration Fronting(string hostId, params (string Name, FrontedListener[] Listeners)[] names) =>
        new(hostId, [.. names.Select(name => new FrontedNameListeners(name.Name, [.. name.Listeners]))], DateTimeOffset.UtcNow);
}
