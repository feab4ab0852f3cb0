using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;
using GrandAmbassador.Grains.Tests.Endpoints;

namespace GrandAmbassador.Grains.Tests.Directory;

/// <summary>The fronting list when an ambassador's silo dies: a cluster of its own, since a silo is killed.</summary>
public sealed class HostDirectoryFrontingFaultTests
{
    // An ambassador's lease: it renews rarely, so its lease is long.
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(6);

    [Fact]
    public async Task Fronting_OfAHostWhoseSiloWasDeclaredDead_LeavesTheList_AtOnceNotALeaseLater()
    {
        await using var cluster = await ClusterFixture.StartAsync(1);
        var directory = cluster.Client.GetGrain<IHostDirectoryGrain>(IHostDirectoryGrain.Key);
        // The directory first, on the silo that stays; a host's silo is named after its host id.
        var staying = cluster.Cluster.Silos[0].Name;
        await directory.RegisterFrontingAsync(Fronting(staying), Lease);
        var dying = await cluster.Cluster.StartAdditionalSiloAsync();
        await directory.RegisterFrontingAsync(Fronting(dying.Name), Lease);
        Assert.Equal(2, (await directory.GetFrontingAsync()).Length);

        // Killed, not stopped: it never registered its empty list.
        await cluster.Cluster.KillSiloAsync(dying);
        await GrainLocator.WaitUntilDeclaredDeadAsync(cluster.Cluster.Silos[0], dying.SiloAddress);

        Assert.Equal([staying], (await directory.GetFrontingAsync()).Select(host => host.HostId));
    }

    private static FrontingRegistration Fronting(string hostId) =>
        new(hostId, [new FrontedNameListeners("web", [new FrontedListener(8080, PortProtocol.Tcp)])], DateTimeOffset.UtcNow);
}
