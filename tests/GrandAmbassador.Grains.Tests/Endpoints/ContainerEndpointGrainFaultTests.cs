using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;
using Microsoft.Extensions.Time.Testing;

namespace GrandAmbassador.Grains.Tests.Endpoints;

/// <summary>Silos killed and clocks that disagree: each test on a cluster of its own.</summary>
public sealed class ContainerEndpointGrainFaultTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task GrainWhoseSiloIsKilled_ComesBackElsewhere_IncompleteAndRefilledByTheNextReport()
    {
        await using var cluster = await OwnClusterAsync(3);
        var (name, silo) = await GrainLocator.ActivateAwayFromAsync(cluster.Client, cluster.Cluster.Silos[0].SiloAddress, "moving");
        await RegisterAsync(cluster, name, "host-a");
        await Grain(cluster, name).ReportAsync(Endpoints.Running(name, "host-a", "c1"), TimeSpan.FromHours(1));
        var before = await Grain(cluster, name).GetAsync();

        await cluster.Cluster.KillSiloAsync(cluster.Cluster.Silos.Single(s => s.SiloAddress.Equals(silo)));
        var reactivated = await GetUntilAnsweredAsync(cluster, name);

        // The new activation has not heard from host-a: it says so, so that nobody drops a route.
        Assert.NotEqual(before.Epoch, reactivated.Epoch);
        Assert.False(reactivated.Complete);
        var endpoint = Endpoints.Running(name, "host-a", "c1", "172.17.0.7");
        await GrainLocator.ReportUntilAcceptedAsync(cluster.Client, name, endpoint, TimeSpan.FromHours(1));
        var after = await Grain(cluster, name).GetAsync();
        Assert.Equal(endpoint, Assert.Single(after.Endpoints));
        // Complete once host-a reported, or (the directory moved with the grain and is too new to
        // say whom to wait for) at the deadline.
        cluster.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.True((await Grain(cluster, name).GetAsync()).Complete);
        Assert.NotEqual(silo, await GrainLocator.LocateAsync(cluster.Client, name));
    }

    [Fact]
    public async Task NewActivation_WithAHostThatNeverReports_IsCompleteAtTheDeadline()
    {
        await using var cluster = await OwnClusterAsync(1);
        var name = Endpoints.UniqueName("waiting");
        await RegisterAsync(cluster, name, "host-silent");

        var first = await Grain(cluster, name).GetAsync();
        Assert.False(first.Complete);

        cluster.Time.Advance(TimeSpan.FromSeconds(31));
        var later = await Grain(cluster, name).GetAsync();
        Assert.True(later.Complete);
        Assert.True(later.Follows(first));
    }

    [Fact]
    public async Task NewActivation_IsCompleteOnceEveryHostWithTheNameReported()
    {
        await using var cluster = await OwnClusterAsync(1);
        var name = Endpoints.UniqueName("refill");
        await RegisterAsync(cluster, name, "host-a", "host-b");

        Assert.False((await Grain(cluster, name).GetAsync()).Complete);
        await Grain(cluster, name).ReportAsync(Endpoints.Running(name, "host-a", "c1"), Lease);
        Assert.False((await Grain(cluster, name).GetAsync()).Complete);
        await Grain(cluster, name).RemoveAsync("host-b", "c9", sequence: 1);
        Assert.True((await Grain(cluster, name).GetAsync()).Complete);
    }

    [Fact]
    public async Task NewActivation_DoesNotWaitForAHostWhoseSiloWasDeclaredDead()
    {
        await using var cluster = await OwnClusterAsync(1);
        // The directory first, on the silo that stays: one that died with the other would come back
        // too new to say whom to wait for.
        await RegisterAsync(cluster, Endpoints.UniqueName("warm-up"), "host-a");
        // The extra silo stands for another host's; a host's silo is named after its host id.
        var dying = await cluster.Cluster.StartAdditionalSiloAsync();
        var name = Endpoints.UniqueName("dead-host");
        await RegisterAsync(cluster, name, "host-a", dying.Name);
        await cluster.Cluster.KillSiloAsync(dying);
        await GrainLocator.WaitUntilDeclaredDeadAsync(cluster.Cluster.Silos[0], dying.SiloAddress);

        Assert.False((await Grain(cluster, name).GetAsync()).Complete);
        await Grain(cluster, name).ReportAsync(Endpoints.Running(name, "host-a", "c1"), Lease);

        // Complete at once, not at the deadline: the dead host's agent will not report.
        Assert.True((await Grain(cluster, name).GetAsync()).Complete);
    }

    [Fact]
    public async Task EndpointsReportedFromASiloThatIsKilled_LeaveTheSnapshot_ButAreNotGone()
    {
        await using var cluster = await OwnClusterAsync(2);
        // The extra silo stands for another host's agent; it dies with its host.
        var dying = await cluster.Cluster.StartAdditionalSiloAsync();
        var (name, _) = await GrainLocator.ActivateAwayFromAsync(cluster.Client, dying.SiloAddress, "survivor");
        var observer = new RecordingObserver();
        var reference = cluster.Client.CreateObjectReference<IEndpointObserver>(observer);
        observer.Hold(await Grain(cluster, name).SubscribeAsync(reference));
        await Grain(cluster, name).ReportAsync(Endpoints.Running(name, "host-dying", "c1"), TimeSpan.FromHours(1), dying.SiloAddress);
        await Grain(cluster, name).ReportAsync(Endpoints.Running(name, "host-staying", "c2"), TimeSpan.FromHours(1), cluster.Cluster.Silos[0].SiloAddress);

        await observer.WaitForAsync(set => set.Endpoints.Length == 2);
        await cluster.Cluster.KillSiloAsync(dying);
        await GrainLocator.WaitUntilDeclaredDeadAsync(cluster.Cluster.Silos[0], dying.SiloAddress);

        // The grain's sweep runs on the (fake) clock: one tick, and it notices the dead reporter.
        cluster.Time.Advance(TimeSpan.FromSeconds(1));
        var after = await observer.WaitForAsync(set => set.Endpoints.Length < 2);
        Assert.Equal("host-staying", Assert.Single(after.Endpoints).HostId);
        // Its silo died, not (as far as anyone knows) its container: no evidence, no tombstone.
        Assert.Empty(after.Gone);
    }

    [Fact]
    public async Task GrainMovedToASiloWhoseClockIsFiveMinutesBehind_StillOrdersItsUpdates()
    {
        var behind = new FakeTimeProvider(DateTimeOffset.UtcNow - TimeSpan.FromMinutes(5));
        await using var cluster = await OwnClusterAsync(2, siloName => siloName == "Primary" ? behind : null);
        var (name, silo) = await GrainLocator.ActivateAwayFromAsync(cluster.Client, cluster.Cluster.Silos[0].SiloAddress, "clock");
        await Grain(cluster, name).ReportAsync(Endpoints.Running(name, "host-a", "c1", "172.17.0.2"), Lease);
        await Grain(cluster, name).ReportAsync(Endpoints.Running(name, "host-a", "c1", "172.17.0.3"), Lease);
        var before = await Grain(cluster, name).GetAsync();

        // The only silo left is the one whose clock is behind.
        await cluster.Cluster.KillSiloAsync(cluster.Cluster.Silos.Single(s => s.SiloAddress.Equals(silo)));
        await GrainLocator.ReportUntilAcceptedAsync(cluster.Client, name, Endpoints.Running(name, "host-a", "c1", "172.17.0.4"), Lease);
        var observer = new RecordingObserver();
        var reference = cluster.Client.CreateObjectReference<IEndpointObserver>(observer);
        var baseline = observer.Hold(await Grain(cluster, name).SubscribeAsync(reference));
        await Grain(cluster, name).ReportAsync(Endpoints.Running(name, "host-a", "c1", "172.17.0.5"), Lease);
        var update = await observer.WaitForAsync(set => set.Endpoints.Any(e => e.Addresses[0].Address == "172.17.0.5"));

        Assert.NotEqual(before.Epoch, baseline.Epoch);
        Assert.Equal("172.17.0.4", Assert.Single(baseline.Endpoints).Addresses[0].Address);
        Assert.True(update.Follows(baseline), $"update {update.Version} after base {baseline.Version}");
        Assert.False(update.Follows(before));
    }

    private static IContainerEndpointGrain Grain(ClusterFixture cluster, string name) => cluster.Client.GetGrain<IContainerEndpointGrain>(name);

    private static Task<ClusterFixture> OwnClusterAsync(int silos, Func<string, TimeProvider?>? clockOf = null) =>
        ClusterFixture.StartAsync(silos, clockOf);

    /// <summary>Registers hosts with the directory as their agents do, for long enough that it knows every host.</summary>
    internal static async Task RegisterAsync(ClusterFixture cluster, string name, params string[] hostIds)
    {
        var directory = cluster.Client.GetGrain<IHostDirectoryGrain>(IHostDirectoryGrain.Key);
        for (var renewal = 0; renewal < 2; renewal++)
        {
            foreach (var hostId in hostIds)
            {
                await directory.RegisterAsync(new HostRegistration(hostId, "10.0.0.1", [name], DateTimeOffset.UtcNow), Lease);
            }

            cluster.Time.Advance(renewal == 0 ? Lease : TimeSpan.Zero);
        }
    }

    private static async Task<EndpointSet> GetUntilAnsweredAsync(ClusterFixture cluster, string name)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                return await Grain(cluster, name).GetAsync();
            }
            catch (Exception ex) when (ex is SiloUnavailableException or TimeoutException or OrleansMessageRejectionException && !timeout.IsCancellationRequested)
            {
                await Task.Delay(200, timeout.Token);
            }
        }
    }
}
