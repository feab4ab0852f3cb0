using GrandAmbassador.Ambassador;
using GrandAmbassador.Contracts.Endpoints;
using static GrandAmbassador.Host.Tests.Fakes.Containers;

namespace GrandAmbassador.Host.Tests.Ambassador;

/// <summary>How a follower's observer turns a grain's deltas into snapshots, in the grain's order (unit tests).</summary>
public sealed class EndpointObserverTests
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(10);
    private static readonly Guid Activation = Guid.NewGuid();

    [Fact]
    public async Task ADelta_AppliedToTheSnapshotHeld_MakesTheGrainsNextSnapshot()
    {
        var observer = new EndpointObserver();
        var base1 = Snapshot(Activation, 1, Running("c1", 1, "web"), Running("c2", 2, "web"));
        observer.OfferReply(base1);
        var after = Snapshot(Activation, 2, Running("c2", 2, "web"), Running("c3", 3, "web")) with { Gone = [new GoneContainer(HostId, "c1")] };

        await observer.OnEndpointsDelta(EndpointDelta.Between(base1, after));

        Assert.Equal(after, await NextAfterAsync(observer, 2));
    }

    [Fact]
    public async Task ADeltaFromAnOlderSnapshot_IsIgnored()
    {
        var observer = new EndpointObserver();
        var (v5, v6, v7) = (Snapshot(Activation, 5), Snapshot(Activation, 6, Running("c1", 1, "web")), Snapshot(Activation, 7));
        observer.OfferReply(v7);
        observer.Offer(EndpointDelta.Between(v5, v6));

        using var guard = new CancellationTokenSource(Hang);
        Assert.Equal(v7, await observer.NextAsync(guard.Token));
        Assert.False(observer.ResyncNeeded.IsCompleted);
    }

    [Fact]
    public async Task AMissedDelta_AsksForTheWholeSnapshot_AndTheReplyIsTheNewBase()
    {
        var observer = new EndpointObserver();
        var (v1, v2, v3) = (Snapshot(Activation, 1), Snapshot(Activation, 2, Running("c1", 1, "web")), Snapshot(Activation, 3, Running("c1", 1, "web"), Running("c2", 2, "web")));
        observer.OfferReply(v1);

        observer.Offer(EndpointDelta.Between(v2, v3)); // 1 -> 2 never arrived

        await observer.ResyncNeeded.WaitAsync(Hang);
        observer.OfferReply(v3);
        Assert.Equal(v3, await NextAfterAsync(observer, 3));
        Assert.False(observer.ResyncNeeded.IsCompleted); // a new wait for the next gap
    }

    [Fact]
    public async Task SeveralDeltasBeforeTheReaderComes_OnlyTheNewestSnapshotIsRead()
    {
        var observer = new EndpointObserver();
        var held = Snapshot(Activation, 1);
        observer.OfferReply(held);
        for (var version = 2; version <= 5; version++)
        {
            var next = Snapshot(Activation, version, Running($"c{version}", version, "web"));
            await observer.OnEndpointsDelta(EndpointDelta.Between(held, next));
            held = next;
        }

        using var guard = new CancellationTokenSource(Hang);
        Assert.Equal(held, await observer.NextAsync(guard.Token));
        using var nothingMore = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => observer.NextAsync(nothingMore.Token));
    }

    [Fact]
    public async Task ReplyFromANewActivation_IsTheNewBase_EvenWithALowerVersion()
    {
        // The grain moved to another silo, and its new activation counts from 1 again.
        var observer = new EndpointObserver();
        observer.OfferReply(Snapshot(Guid.NewGuid(), 900));

        var moved = Guid.NewGuid();
        var (v1, v2) = (Snapshot(moved, 1), Snapshot(moved, 2, Running("c1", 1, "web")));
        observer.OfferReply(v1);
        observer.Offer(EndpointDelta.Between(v1, v2));

        Assert.Equal(v2, await NextAfterAsync(observer, 2));
    }

    [Fact]
    public async Task ADeltaThatOvertookItsActivationsReply_IsAppliedWithTheReply()
    {
        var observer = new EndpointObserver();
        var old = Guid.NewGuid();
        observer.OfferReply(Snapshot(old, 5));

        var moved = Guid.NewGuid();
        var (v2, v3) = (Snapshot(moved, 2), Snapshot(moved, 3, Running("c1", 1, "web")));
        observer.Offer(EndpointDelta.Between(v2, v3));
        observer.Offer(EndpointDelta.Between(Snapshot(old, 6), Snapshot(old, 7))); // a late one from the old activation: a gap there
        observer.OfferReply(v2);

        Assert.Equal(v3, await NextAfterAsync(observer, 3));
    }

    private static EndpointSet Snapshot(Guid epoch, long version, params ContainerEndpoint[] endpoints) =>
        new("web", version, [.. endpoints], epoch, [], Complete: true);

    /// <summary>Reads snapshots until one of <paramref name="version"/> (a generous bound against a hang).</summary>
    private static async Task<EndpointSet> NextAfterAsync(EndpointObserver observer, long version)
    {
        using var guard = new CancellationTokenSource(Hang);
        while (true)
        {
            var next = await observer.NextAsync(guard.Token);
            if (next.Version == version)
            {
                return next;
            }
        }
    }
}
