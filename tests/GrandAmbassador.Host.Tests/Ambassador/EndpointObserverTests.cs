using GrandAmbassador.Ambassador;
using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Host.Tests.Ambassador;

public sealed class EndpointObserverTests
{
    [Fact]
    public async Task OlderSnapshot_ArrivingAfterANewerOne_IsIgnored()
    {
        var observer = new EndpointObserver();

        await observer.OnEndpointsChanged(new EndpointSet("redis", 7, []));
        observer.Offer(new EndpointSet("redis", 5, []));

        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Equal(7, (await observer.NextAsync(guard.Token)).Version);
    }

    [Fact]
    public async Task SeveralSnapshotsBeforeTheReaderComes_OnlyTheNewestIsRead()
    {
        var observer = new EndpointObserver();
        for (var version = 1; version <= 5; version++)
        {
            await observer.OnEndpointsChanged(new EndpointSet("redis", version, []));
        }

        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Equal(5, (await observer.NextAsync(guard.Token)).Version);
        using var nothingMore = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => observer.NextAsync(nothingMore.Token));
    }

    [Fact]
    public async Task ReplyFromANewActivation_IsTheNewBase_EvenWithALowerVersion()
    {
        // The grain moved to a silo whose clock is behind, or just started counting again.
        var observer = new EndpointObserver();
        observer.OfferReply(new EndpointSet("redis", 900, [], Guid.NewGuid()));
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await observer.NextAsync(guard.Token);

        var moved = Guid.NewGuid();
        observer.OfferReply(new EndpointSet("redis", 1, [], moved));
        observer.Offer(new EndpointSet("redis", 2, [], moved));

        var latest = await observer.NextAsync(guard.Token);
        Assert.Equal((moved, 2L), (latest.Epoch, latest.Version));
    }

    [Fact]
    public async Task NotificationThatOvertookItsActivationsReply_IsTakenWithTheReply()
    {
        var observer = new EndpointObserver();
        var old = Guid.NewGuid();
        observer.OfferReply(new EndpointSet("redis", 5, [], old));
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await observer.NextAsync(guard.Token);

        var moved = Guid.NewGuid();
        observer.Offer(new EndpointSet("redis", 3, [], moved));
        observer.Offer(new EndpointSet("redis", 7, [], old)); // a late one from the old activation
        observer.OfferReply(new EndpointSet("redis", 2, [], moved));

        var latest = await observer.NextAsync(guard.Token);
        Assert.Equal((moved, 3L), (latest.Epoch, latest.Version));
    }
}
