using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;

namespace GrandAmbassador.Grains.Tests.Endpoints;

[Collection(ClusterCollection.Name)]
public sealed class ContainerEndpointGrainTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private IContainerEndpointGrain Grain(string name) => fixture.Client.GetGrain<IContainerEndpointGrain>(name);

    [Fact]
    public async Task Report_ThenGet_ReturnsTheEndpoint()
    {
        var name = Endpoints.UniqueName("redis");
        var endpoint = Endpoints.Running(name, "host-a", "c1");

        await Grain(name).ReportAsync(endpoint, Lease);
        var set = await Grain(name).GetAsync();

        Assert.Equal(name, set.Name);
        Assert.Equal(endpoint, Assert.Single(set.Endpoints));
    }

    [Fact]
    public async Task Report_SameEndpointTwice_DoesNotChangeTheVersion()
    {
        var name = Endpoints.UniqueName("redis");
        var endpoint = Endpoints.Running(name, "host-a", "c1");

        await Grain(name).ReportAsync(endpoint, Lease);
        var first = await Grain(name).GetAsync();
        await Grain(name).ReportAsync(endpoint, Lease);
        var second = await Grain(name).GetAsync();

        Assert.Equal(first.Version, second.Version);
    }

    [Fact]
    public async Task Subscriber_IsToldOfANewAddress_AfterARestart()
    {
        var name = Endpoints.UniqueName("redis");
        var observer = new RecordingObserver();
        var reference = fixture.Client.CreateObjectReference<IEndpointObserver>(observer);
        var initial = observer.Hold(await Grain(name).SubscribeAsync(reference));
        Assert.Empty(initial.Endpoints);

        await Grain(name).ReportAsync(Endpoints.Running(name, "host-a", "c1", "172.17.0.2"), Lease);
        await Grain(name).ReportAsync(Endpoints.Running(name, "host-a", "c1", "172.17.0.9"), Lease);

        var latest = await observer.WaitForAsync(set => set.Endpoints.Any(e => e.Addresses[0].Address == "172.17.0.9"));
        Assert.Single(latest.Endpoints);
        Assert.True(latest.Version > initial.Version);
        await Grain(name).UnsubscribeAsync(reference);
    }

    [Fact]
    public async Task Endpoints_OfSeveralHosts_AreKeptApart_AndARemovedOneIsGone()
    {
        var name = Endpoints.UniqueName("web");
        await Grain(name).ReportAsync(Endpoints.Running(name, "host-a", "c1"), Lease);
        await Grain(name).ReportAsync(Endpoints.Running(name, "host-b", "c1"), Lease);
        await Grain(name).ReportAsync(Endpoints.Running(name, "host-b", "c2"), Lease);

        await Grain(name).RemoveAsync("host-a", "c1");
        var afterRemove = await Grain(name).GetAsync();
        Assert.Equal(["host-b/c1", "host-b/c2"], afterRemove.Endpoints.Select(e => $"{e.HostId}/{e.ContainerId}"));

        Assert.Equal([new GoneContainer("host-a", "c1")], afterRemove.Gone);
    }

    [Fact]
    public async Task Endpoint_NotReportedAgainWithinItsLease_Expires_AndSubscribersHear()
    {
        var name = Endpoints.UniqueName("redis");
        var observer = new RecordingObserver();
        var reference = fixture.Client.CreateObjectReference<IEndpointObserver>(observer);
        observer.Hold(await Grain(name).SubscribeAsync(reference));
        await Grain(name).ReportAsync(Endpoints.Running(name, "host-a", "kept"), TimeSpan.FromMinutes(10));
        await Grain(name).ReportAsync(Endpoints.Running(name, "host-a", "lapsing"), TimeSpan.FromSeconds(5));

        await observer.WaitForAsync(set => set.Endpoints.Length == 2);

        fixture.Time.Advance(TimeSpan.FromSeconds(6));

        var afterExpiry = await observer.WaitForAsync(set => set.Endpoints.Length < 2);
        Assert.Equal("kept", afterExpiry.Endpoints[0].ContainerId);
        Assert.Equal("kept", Assert.Single((await Grain(name).GetAsync()).Endpoints).ContainerId);
        await Grain(name).UnsubscribeAsync(reference);
    }

    [Fact]
    public async Task Version_CountsChangesFromOne_WithinAnActivation_NotTheClock()
    {
        var name = Endpoints.UniqueName("redis");

        await Grain(name).ReportAsync(Endpoints.Running(name, "host-a", "c1"), Lease);
        var first = await Grain(name).GetAsync();
        await Grain(name).ReportAsync(Endpoints.Running(name, "host-a", "c2"), Lease);
        var second = await Grain(name).GetAsync();

        Assert.Equal(1, first.Version);
        Assert.True(second.Follows(first));
        Assert.Equal(2, second.Version);
    }

    [Fact]
    public async Task RemovedContainer_IsNotBroughtBack_ByALateReportOfAnOlderState()
    {
        var name = Endpoints.UniqueName("web");
        var endpoint = Endpoints.Running(name, "host-a", "c1") with { Sequence = 10 };
        await Grain(name).ReportAsync(endpoint, Lease);

        await Grain(name).RemoveAsync("host-a", "c1", sequence: 11);
        await Grain(name).ReportAsync(endpoint, Lease); // a re-report of what was known before the removal

        var set = await Grain(name).GetAsync();
        Assert.Empty(set.Endpoints);
        Assert.True(set.IsGone("host-a", "c1"));
    }

    [Fact]
    public async Task LateReportOfAnOlderState_DoesNotOverwriteANewerOne()
    {
        var name = Endpoints.UniqueName("web");
        var stopped = Endpoints.Running(name, "host-a", "c1") with { Running = false, Sequence = 20 };
        await Grain(name).ReportAsync(stopped, Lease);

        await Grain(name).ReportAsync(stopped with { Running = true, Sequence = 19 }, Lease);

        Assert.False(Assert.Single((await Grain(name).GetAsync()).Endpoints).Running);
    }

    [Fact]
    public async Task RenewalThatOnlyBringsANewSequence_IsNoChange()
    {
        var name = Endpoints.UniqueName("web");
        var endpoint = Endpoints.Running(name, "host-a", "c1") with { Sequence = 1 };
        await Grain(name).ReportAsync(endpoint, Lease);
        var first = await Grain(name).GetAsync();

        await Grain(name).ReportAsync(endpoint with { Sequence = 2 }, Lease);

        Assert.Equal(first.Version, (await Grain(name).GetAsync()).Version);
    }

    [Fact]
    public async Task ReportAfterARemoval_WithANewerSequence_BringsTheContainerBack()
    {
        var name = Endpoints.UniqueName("web");
        await Grain(name).RemoveAsync("host-a", "c1", sequence: 5);

        await Grain(name).ReportAsync(Endpoints.Running(name, "host-a", "c1") with { Sequence = 6 }, Lease);

        var set = await Grain(name).GetAsync();
        Assert.Single(set.Endpoints);
        Assert.False(set.IsGone("host-a", "c1"));
    }

    [Fact]
    public async Task ExpiredLease_LeavesTheSnapshot_WithoutMakingTheContainerGone()
    {
        var name = Endpoints.UniqueName("redis");
        await Grain(name).ReportAsync(Endpoints.Running(name, "host-a", "lapsing"), TimeSpan.FromSeconds(5));

        fixture.Time.Advance(TimeSpan.FromSeconds(6));

        var set = await Grain(name).GetAsync();
        Assert.Empty(set.Endpoints);
        Assert.Empty(set.Gone);
    }

    [Fact]
    public async Task Renewal_OfTheCurrentSnapshot_GetsNothing_AndAfterAReport_GetsTheNewOne()
    {
        var name = Endpoints.UniqueName("renewed");
        var observer = new RecordingObserver();
        var reference = fixture.Client.CreateObjectReference<IEndpointObserver>(observer);
        await Grain(name).ReportAsync(Endpoints.Running(name, "host-a", "c1"), Lease);
        var held = await Grain(name).SubscribeAsync(reference);

        // At rest: "not modified", no snapshot on the wire.
        Assert.Null(await Grain(name).RenewAsync(reference, held.Epoch, held.Version));

        // A change the subscriber has not taken (its notification lost): the renewal brings the whole snapshot.
        await Grain(name).ReportAsync(Endpoints.Running(name, "host-b", "c2"), Lease);
        var renewed = await Grain(name).RenewAsync(reference, held.Epoch, held.Version);
        Assert.NotNull(renewed);
        Assert.True(renewed.Follows(held));
        Assert.Equal(["host-a", "host-b"], renewed.Endpoints.Select(endpoint => endpoint.HostId));
        Assert.Null(await Grain(name).RenewAsync(reference, renewed.Epoch, renewed.Version));
        await Grain(name).UnsubscribeAsync(reference);
    }

    [Fact]
    public async Task Renewal_FromAnotherActivationsSnapshot_GetsTheWholeSnapshot()
    {
        var name = Endpoints.UniqueName("moved");
        await Grain(name).ReportAsync(Endpoints.Running(name, "host-a", "c1"), Lease);
        var current = await Grain(name).GetAsync();
        var reference = fixture.Client.CreateObjectReference<IEndpointObserver>(new RecordingObserver());

        // The subscriber holds a snapshot of an activation that is gone (the grain moved): same version, other epoch.
        var renewed = await Grain(name).RenewAsync(reference, Guid.NewGuid(), current.Version);

        Assert.Equal(current, renewed);
        await Grain(name).UnsubscribeAsync(reference);
    }

    [Fact]
    public async Task Renewal_SubscribesAnObserverTheGrainDoesNotKnow_AsASubscribeDoes()
    {
        var name = Endpoints.UniqueName("dropped");
        var held = await Grain(name).GetAsync();
        var observer = new RecordingObserver();
        var reference = fixture.Client.CreateObjectReference<IEndpointObserver>(observer);

        // An observer the grain dropped (or never had) renews: from then on it is told of every change.
        Assert.Null(await Grain(name).RenewAsync(reference, held.Epoch, held.Version));
        await Grain(name).ReportAsync(Endpoints.Running(name, "host-a", "c1"), Lease);

        var told = await observer.WaitForAsync(set => set.Endpoints.Length == 1);
        Assert.True(told.Follows(held));
        await Grain(name).UnsubscribeAsync(reference);
    }
}
