using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;
using GrandAmbassador.Grains.Tests.Endpoints;

namespace GrandAmbassador.Grains.Tests.Agents;

/// <summary>
/// One lease per host (docs/architecture.md#one-lease-per-host): an agent reports only changes and vouches for the
/// rest with one heartbeat to its host's grain. When the heartbeat stops, the host's endpoints get no new connections
/// and nothing is tombstoned (open connections stay); a heartbeat or a report brings them back. Real silos; the
/// cluster's clock is the test's.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class HostLeaseTests(ClusterFixture cluster)
{
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ALapsedLease_HidesOnlyItsHostsEndpoints_WithoutATombstone_AndTheNextHeartbeatBringsThemBack()
    {
        var name = Endpoints.Endpoints.UniqueName("web");
        var (lapsing, other) = ($"host-{Guid.NewGuid():N}", $"host-{Guid.NewGuid():N}");
        var observer = new RecordingObserver();
        var reference = cluster.Client.CreateObjectReference<IEndpointObserver>(observer);
        try
        {
            observer.Hold(await Grain(name).SubscribeAsync(reference));
            await Grain(name).ReportAsync(Endpoints.Endpoints.Running(name, lapsing, "c1"), Timeout.InfiniteTimeSpan);
            await Grain(name).ReportAsync(Endpoints.Endpoints.Running(name, other, "c2"), Timeout.InfiniteTimeSpan);
            await Lease(lapsing).RenewLeaseAsync(new HostLease([name], LeaseDuration));
            await observer.WaitForAsync(set => set.Endpoints.Length == 2);

            cluster.Time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));

            var lapsed = await observer.WaitForAsync(set => set.Endpoints.Length == 1);
            Assert.Equal(other, lapsed.Endpoints[0].HostId);
            Assert.Empty(lapsed.Gone); // no evidence that c1 is gone: its open connections stay

            await Lease(lapsing).RenewLeaseAsync(new HostLease([name], LeaseDuration));

            var renewed = await observer.WaitForAsync(set => set.Endpoints.Length == 2);
            Assert.Contains(renewed.Endpoints, endpoint => endpoint.HostId == lapsing);
        }
        finally
        {
            await Grain(name).UnsubscribeAsync(reference);
            GC.KeepAlive(observer);
        }
    }

    [Fact]
    public async Task HeartbeatsWithinTheLease_KeepTheHostsEndpoints_AndSoDoesAReportAfterALapse()
    {
        var name = Endpoints.Endpoints.UniqueName("web");
        var host = $"host-{Guid.NewGuid():N}";
        var endpoint = Endpoints.Endpoints.Running(name, host, "c1") with { Sequence = 1 };
        var observer = new RecordingObserver();
        var reference = cluster.Client.CreateObjectReference<IEndpointObserver>(observer);
        observer.Hold(await Grain(name).SubscribeAsync(reference));
        await Grain(name).ReportAsync(endpoint, Timeout.InfiniteTimeSpan);
        await Lease(host).RenewLeaseAsync(new HostLease([name], LeaseDuration));

        for (var beat = 0; beat < 5; beat++)
        {
            cluster.Time.Advance(LeaseDuration / 3);
            await Lease(host).RenewLeaseAsync(new HostLease([name], LeaseDuration));
        }

        Assert.Single((await Grain(name).GetAsync()).Endpoints);

        // The heartbeat stops: the endpoint is hidden once the lapse has reached the name's grain.
        cluster.Time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));
        await observer.WaitForAsync(set => set.Endpoints.Length == 0);

        // Its agent reports it again (it came back): a report is the agent vouching, lease or not.
        await Grain(name).ReportAsync(endpoint with { Sequence = 2, Health = ContainerHealth.Healthy }, Timeout.InfiniteTimeSpan);
        Assert.Single((await Grain(name).GetAsync()).Endpoints);
        await Grain(name).UnsubscribeAsync(reference);
        GC.KeepAlive(observer);
    }

    [Fact]
    public async Task AnEndpointHeldByItsHostsLease_DoesNotExpireOnItsOwn()
    {
        var name = Endpoints.Endpoints.UniqueName("web");
        await Grain(name).ReportAsync(Endpoints.Endpoints.Running(name, $"host-{Guid.NewGuid():N}", "c1"), Timeout.InfiniteTimeSpan);

        cluster.Time.Advance(TimeSpan.FromHours(1));

        Assert.Single((await Grain(name).GetAsync()).Endpoints);
    }

    private IContainerEndpointGrain Grain(string name) => cluster.Client.GetGrain<IContainerEndpointGrain>(name);

    private IHostAgentGrain Lease(string hostId) => cluster.Client.GetGrain<IHostAgentGrain>(hostId);
}
