using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;

namespace GrandAmbassador.Grains.Tests.Endpoints;

/// <summary>What a drain waits for: the grain counts an ambassador as confirmed only from its own word about what its proxy dials.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DrainConfirmationTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private IContainerEndpointGrain Grain(string name) => fixture.Client.GetGrain<IContainerEndpointGrain>(name);

    [Fact]
    public async Task AContainerStillOffered_IsConfirmedByNobody_EvenByAnAmbassadorThatDoesNotDialIt()
    {
        var name = Endpoints.UniqueName("web");
        await Grain(name).ReportAsync(Endpoints.Running(name, "host-a", "c1") with { Sequence = 1 }, Lease);
        var snapshot = await Grain(name).GetAsync();
        await Grain(name).AppliedAsync(new RoutesApplied("host-c", snapshot.Epoch, snapshot.Version, []));

        var confirmations = await Grain(name).GetDrainConfirmationsAsync(new ContainerKey("host-a", "c1"));

        Assert.False(confirmations.Marked);
        Assert.Empty(confirmations.ConfirmedBy);
    }

    [Fact]
    public async Task OnceStopping_AnAmbassadorConfirms_OnlyWithASnapshotFromTheStopOn_ThatNoLongerDialsIt()
    {
        var name = Endpoints.UniqueName("web");
        var key = new ContainerKey("host-a", "c1");
        var running = Endpoints.Running(name, "host-a", "c1") with { Sequence = 1 };
        await Grain(name).ReportAsync(running, Lease);
        var before = await Grain(name).GetAsync();
        await Grain(name).ReportAsync(running with { Stopping = true, Sequence = 2 }, Lease);
        var stopping = await Grain(name).GetAsync();
        Assert.True(stopping.Version > before.Version);

        // host-b applied only the snapshot before the stop (and claims to dial nothing): not evidence.
        await Grain(name).AppliedAsync(new RoutesApplied("host-b", before.Epoch, before.Version, []));
        // host-c applied the stopping snapshot but its routes still dial the container: not confirmed.
        await Grain(name).AppliedAsync(new RoutesApplied("host-c", stopping.Epoch, stopping.Version, [key]));
        // host-d applied it and dials only another container: confirmed.
        await Grain(name).AppliedAsync(new RoutesApplied("host-d", stopping.Epoch, stopping.Version, [new ContainerKey("host-b", "c2")]));
        // host-e answered from another activation: not evidence about this one's snapshot.
        await Grain(name).AppliedAsync(new RoutesApplied("host-e", Guid.NewGuid(), stopping.Version + 5, []));

        var confirmations = await Grain(name).GetDrainConfirmationsAsync(key);

        Assert.True(confirmations.Marked);
        Assert.Equal(["host-d"], confirmations.ConfirmedBy);
    }

    [Fact]
    public async Task AnOlderWordThatOvertookANewerOne_DoesNotUndoAConfirmation()
    {
        var name = Endpoints.UniqueName("web");
        var key = new ContainerKey("host-a", "c1");
        var running = Endpoints.Running(name, "host-a", "c1") with { Sequence = 1 };
        await Grain(name).ReportAsync(running, Lease);
        var before = await Grain(name).GetAsync();
        await Grain(name).ReportAsync(running with { Stopping = true, Sequence = 2 }, Lease);
        var stopping = await Grain(name).GetAsync();

        await Grain(name).AppliedAsync(new RoutesApplied("host-c", stopping.Epoch, stopping.Version, []));
        await Grain(name).AppliedAsync(new RoutesApplied("host-c", before.Epoch, before.Version, [key]));

        Assert.Equal(["host-c"], (await Grain(name).GetDrainConfirmationsAsync(key)).ConfirmedBy);
    }

    [Fact]
    public async Task AnUndrainedContainer_OfferedAgain_LosesItsConfirmations()
    {
        var name = Endpoints.UniqueName("web");
        var key = new ContainerKey("host-a", "c1");
        var running = Endpoints.Running(name, "host-a", "c1") with { Sequence = 1 };
        await Grain(name).ReportAsync(running with { Stopping = true }, Lease);
        var stopping = await Grain(name).GetAsync();
        await Grain(name).AppliedAsync(new RoutesApplied("host-c", stopping.Epoch, stopping.Version, []));
        Assert.Equal(["host-c"], (await Grain(name).GetDrainConfirmationsAsync(key)).ConfirmedBy);

        await Grain(name).ReportAsync(running with { Sequence = 2 }, Lease);

        Assert.False((await Grain(name).GetDrainConfirmationsAsync(key)).Marked);
    }
}
