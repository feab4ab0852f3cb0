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
}
