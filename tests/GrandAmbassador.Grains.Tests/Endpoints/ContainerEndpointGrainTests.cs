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
        var initial = await Grain(name).SubscribeAsync(reference);
        Assert.Empty(initial.Endpoints);

        await Grain(name).ReportAsync(Endpoints.Running(name, "host-a", "c1", "172.17.0.2"), Lease);
        await Grain(name).ReportAsync(Endpoints.Running(name, "host-a", "c1", "172.17.0.9"), Lease);

        var latest = await observer.WaitForAsync(set => set.Endpoints.Any(e => e.Addresses[0].Address == "172.17.0.9"));
        Assert.Single(latest.Endpoints);
        Assert.True(latest.Version > initial.Version);
        await Grain(name).UnsubscribeAsync(reference);
    }

    [Fact]
    public async Task Endpoints_OfSeveralHosts_AreKeptApart_AndRemovedPerHost()
    {
        var name = Endpoints.UniqueName("web");
        await Grain(name).ReportAsync(Endpoints.Running(name, "host-a", "c1"), Lease);
        await Grain(name).ReportAsync(Endpoints.Running(name, "host-b", "c1"), Lease);
        await Grain(name).ReportAsync(Endpoints.Running(name, "host-b", "c2"), Lease);

        await Grain(name).RemoveAsync("host-a", "c1");
        var afterRemove = await Grain(name).GetAsync();
        Assert.Equal(["host-b/c1", "host-b/c2"], afterRemove.Endpoints.Select(e => $"{e.HostId}/{e.ContainerId}"));

        await Grain(name).RemoveHostAsync("host-b");
        Assert.Empty((await Grain(name).GetAsync()).Endpoints);
    }

    [Fact]
    public async Task Endpoint_NotReportedAgainWithinItsLease_Expires_AndSubscribersHear()
    {
        var name = Endpoints.UniqueName("redis");
        var observer = new RecordingObserver();
        var reference = fixture.Client.CreateObjectReference<IEndpointObserver>(observer);
        await Grain(name).SubscribeAsync(reference);
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
    public async Task GrainWhoseSiloIsKilled_ComesBackElsewhere_AndIsRefilledByTheNextReport()
    {
        var (name, silo) = await ActivateOnSecondarySiloAsync();
        var before = await Grain(name).GetAsync();

        await fixture.Cluster.KillSiloAsync(fixture.Cluster.Silos.Single(s => s.SiloAddress.Equals(silo)));
        fixture.Time.Advance(TimeSpan.FromSeconds(1));

        // The new activation starts empty: the agent's next lease renewal refills it.
        var endpoint = Endpoints.Running(name, "host-a", "c1", "172.17.0.7");
        await ReportUntilAcceptedAsync(name, endpoint);
        var after = await Grain(name).GetAsync();

        Assert.Equal(endpoint, Assert.Single(after.Endpoints));
        Assert.True(after.Version > before.Version, $"version {after.Version} after the kill, {before.Version} before");
        Assert.NotEqual(silo, await LocateAsync(name));
        await fixture.Cluster.StartAdditionalSiloAsync();
    }

    [Fact]
    public async Task EndpointsReportedFromASiloThatIsKilled_LeaveWithIt_WithoutWaitingForTheirLease()
    {
        // The extra silo stands for another host's agent; it dies with its host.
        var dying = await fixture.Cluster.StartAdditionalSiloAsync();
        var name = await NameNotHostedOnAsync(dying.SiloAddress);
        var observer = new RecordingObserver();
        var reference = fixture.Client.CreateObjectReference<IEndpointObserver>(observer);
        await Grain(name).SubscribeAsync(reference);
        await Grain(name).ReportAsync(Endpoints.Running(name, "host-dying", "c1"), TimeSpan.FromHours(1), dying.SiloAddress);
        await Grain(name).ReportAsync(Endpoints.Running(name, "host-staying", "c2"), TimeSpan.FromHours(1), fixture.Cluster.Silos[0].SiloAddress);

        await observer.WaitForAsync(set => set.Endpoints.Length == 2);
        await fixture.Cluster.KillSiloAsync(dying);
        await WaitUntilDeclaredDeadAsync(dying.SiloAddress);

        // The grain's sweep runs on the (fake) clock: one tick, and it notices the dead reporter.
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        var after = await observer.WaitForAsync(set => set.Endpoints.Length < 2);
        Assert.Equal("host-staying", Assert.Single(after.Endpoints).HostId);
        await Grain(name).UnsubscribeAsync(reference);
    }

    private async Task WaitUntilDeclaredDeadAsync(SiloAddress silo)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var management = fixture.Client.GetGrain<IManagementGrain>(0);
        while (!(await management.GetHosts(onlyActive: false)).TryGetValue(silo, out var status) || status != SiloStatus.Dead)
        {
            await Task.Delay(100, guard.Token);
        }
    }

    private async Task<string> NameNotHostedOnAsync(SiloAddress silo)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var name = Endpoints.UniqueName("survivor");
            await Grain(name).GetAsync();
            if (await LocateAsync(name) is { } host && !host.Equals(silo))
            {
                return name;
            }
        }

        throw new InvalidOperationException("Every grain landed on the silo to be killed, 50 times.");
    }

    private async Task<(string Name, SiloAddress Silo)> ActivateOnSecondarySiloAsync()
    {
        var primary = fixture.Cluster.Silos[0].SiloAddress;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var name = Endpoints.UniqueName("moving");
            await Grain(name).ReportAsync(Endpoints.Running(name, "host-a", "c1"), Lease);
            var silo = await LocateAsync(name);
            if (silo is not null && !silo.Equals(primary))
            {
                return (name, silo);
            }
        }

        throw new InvalidOperationException("No grain was placed on a secondary silo in 50 tries.");
    }

    private async Task<SiloAddress?> LocateAsync(string name)
    {
        var management = fixture.Client.GetGrain<IManagementGrain>(0);
        var statistics = await management.GetDetailedGrainStatistics();
        return statistics.FirstOrDefault(s => s.GrainId.Key.ToString() == name)?.SiloAddress;
    }

    private async Task ReportUntilAcceptedAsync(string name, Contracts.Endpoints.ContainerEndpoint endpoint)
    {
        // Calls to a grain whose silo just died fail until membership declares the silo dead.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                await Grain(name).ReportAsync(endpoint, Lease);
                return;
            }
            catch (Exception ex) when (ex is SiloUnavailableException or TimeoutException or OrleansMessageRejectionException && !timeout.IsCancellationRequested)
            {
                await Task.Delay(200, timeout.Token);
            }
        }
    }
}
