using GrandAmbassador.Cluster;
using GrandAmbassador.Host.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using static GrandAmbassador.Host.Tests.Fakes.FakeClusterMembershipService;

namespace GrandAmbassador.Host.Tests.Cluster;

/// <summary>Which membership updates tell the process that grains may have moved (unit tests, fake membership).</summary>
public sealed class MembershipWatcherTests : IAsyncLifetime
{
    private static readonly SiloAddress Self = Silo(11111), Other = Silo(11112);
    private readonly FakeClusterMembershipService _membership = new();
    private readonly ClusterChanges _changes = new();
    private readonly MembershipWatcher _watcher;

    public MembershipWatcherTests() => _watcher = new MembershipWatcher(_membership, _changes, NullLogger<MembershipWatcher>.Instance);

    public Task InitializeAsync() => _watcher.StartAsync(CancellationToken.None);

    public async Task DisposeAsync()
    {
        await _watcher.StopAsync(CancellationToken.None);
        _watcher.Dispose();
    }

    [Fact]
    public async Task FirstSnapshot_IsWhereItStarts_NotAChange()
    {
        var next = _changes.Next;
        await _membership.PublishAsync((Self, SiloStatus.Active), (Other, SiloStatus.Active), (Silo(11113), SiloStatus.Dead));
        Assert.False(next.IsCompleted);
    }

    [Theory]
    [InlineData(SiloStatus.Active)]
    [InlineData(SiloStatus.Dead)]
    public async Task SiloFirstSeenActiveOrDead_IsSignalled(SiloStatus status)
    {
        await _membership.PublishAsync((Self, SiloStatus.Active));
        var next = _changes.Next;

        // It joined (or joined and died) between two updates: its Joining was never seen.
        await _membership.PublishAsync((Self, SiloStatus.Active), (Other, status));
        Assert.True(next.IsCompleted);
    }

    [Fact]
    public async Task KnownSilo_IsSignalledWhenActiveAndWhenDead_NotWhileJoining()
    {
        await _membership.PublishAsync((Self, SiloStatus.Active));
        var next = _changes.Next;
        await _membership.PublishAsync((Self, SiloStatus.Active), (Other, SiloStatus.Joining));
        Assert.False(next.IsCompleted);

        await _membership.PublishAsync((Self, SiloStatus.Active), (Other, SiloStatus.Active));
        Assert.True(next.IsCompleted);

        next = _changes.Next;
        await _membership.PublishAsync((Self, SiloStatus.Active), (Other, SiloStatus.Active));
        Assert.False(next.IsCompleted);
        await _membership.PublishAsync((Self, SiloStatus.Active), (Other, SiloStatus.Dead));
        Assert.True(next.IsCompleted);
    }
}
