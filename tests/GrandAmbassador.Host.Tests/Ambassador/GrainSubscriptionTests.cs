using GrandAmbassador.Ambassador;
using GrandAmbassador.Cluster;
using GrandAmbassador.Configuration;
using GrandAmbassador.Contracts.Endpoints;
using Microsoft.Extensions.Logging.Abstractions;

namespace GrandAmbassador.Host.Tests.Ambassador;

/// <summary>
/// Unit tests with a fake grain and a fake clock: a follower's subscription never waits on a grain
/// that does not answer (its silo died), and a late answer never overrides a newer activation's.
/// </summary>
public sealed class GrainSubscriptionTests : IAsyncDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);
    private readonly FakeEndpointGrain _grain = new();
    private readonly EndpointObserver _observer = new();
    private readonly ClusterChanges _changes = new();
    private readonly TimerWatchingClock _time = new();
    private readonly FollowerOptions _options = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private readonly DateTimeOffset _start;

    public GrainSubscriptionTests()
    {
        _start = _time.GetUtcNow();
        var subscription = new GrainSubscription("web", _grain, _observer, _observer, _changes, _options, _time, NullLogger.Instance);
        _running = Task.Run(() => subscription.RunAsync(_stop.Token));
    }

    [Fact]
    public async Task ACallHangingOnADeadSilo_IsAbandonedAtTheMembershipChange_AndItsLateReplyIsIgnored()
    {
        var hanging = await _grain.NextSubscribeAsync(Guard);

        _changes.Signal();
        var renewed = await AdvanceUntilSubscribedAgainAsync(due => due < TimeSpan.FromSeconds(1)); // the settle pause
        Assert.True(_time.GetUtcNow() - _start < _options.SubscribeTimeout, "subscribed again only after the timeout, not at the membership change");
        var newActivation = Guid.NewGuid();
        renewed.SetResult(new EndpointSet("web", 1, [], newActivation));
        Assert.Equal(newActivation, (await NextAsync()).Epoch);

        // The abandoned call answers at last, from the old activation: the new one stays the base,
        // so its next notification is taken.
        hanging.SetResult(new EndpointSet("web", 9, [], Guid.NewGuid()));
        using (var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(300)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _observer.NextAsync(quiet.Token));
        }

        _observer.Offer(EndpointDelta.Between(new EndpointSet("web", 1, [], newActivation), new EndpointSet("web", 2, [], newActivation)));
        var next = await NextAsync();
        Assert.Equal((newActivation, 2L), (next.Epoch, next.Version));
    }

    [Fact]
    public async Task ACallThatNeverAnswers_IsMadeAgainAfterTheSubscribeTimeout()
    {
        _ = await _grain.NextSubscribeAsync(Guard);
        var started = _time.GetUtcNow();

        _time.Advance(await _time.NextTimerAsync(due => due == _options.SubscribeTimeout, Guard));
        var again = await AdvanceUntilSubscribedAgainAsync(due => due < _options.SubscribeTimeout); // then the backoff

        // Not before the bound; and long before Orleans' own 30 s response timeout.
        Assert.InRange(_time.GetUtcNow() - started, _options.SubscribeTimeout, _options.SubscribeTimeout + TimeSpan.FromSeconds(5));
        again.SetResult(new EndpointSet("web", 1, []));
        Assert.Equal(1, (await NextAsync()).Version);
    }

    [Fact]
    public async Task AFailedCall_IsRetriedAfterABackoff_NotAtOnce()
    {
        var failing = await _grain.NextSubscribeAsync(Guard);
        var started = _time.GetUtcNow();
        failing.SetException(new TimeoutException("silo unavailable"));

        _ = await AdvanceUntilSubscribedAgainAsync(due => due < _options.SubscribeTimeout); // the backoff

        // The first wait is at least half the minimum (jittered: ReconnectBackoffTests), and no long one.
        Assert.InRange(_time.GetUtcNow() - started, _options.SubscribeRetryMinDelay / 2, _options.SubscribeRetryMaxDelay);
    }

    [Fact]
    public async Task ARenewal_SaysWhichSnapshotTheFollowerHolds_AndNotModifiedChangesNothing()
    {
        var epoch = Guid.NewGuid();
        (await _grain.NextSubscribeAsync(Guard)).SetResult(new EndpointSet("web", 1, [], epoch));
        Assert.Equal(1, (await NextAsync()).Version);
        _observer.Offer(EndpointDelta.Between(new EndpointSet("web", 1, [], epoch), new EndpointSet("web", 2, [], epoch))); // a notification since
        Assert.Equal(2, (await NextAsync()).Version);

        var renewal = await AdvanceUntilRenewedAsync();
        Assert.Equal((epoch, 2L), (renewal.Epoch, renewal.Version));
        renewal.Reply.SetResult(null);

        // Still version 2 held at the next renewal, and no full subscribe at rest.
        var next = await AdvanceUntilRenewedAsync();
        Assert.Equal((epoch, 2L), (next.Epoch, next.Version));
        Assert.False(_grain.TryTakeSubscribe(out _));
    }

    [Fact]
    public async Task ARenewalAnsweredWithANewerSnapshot_RepairsALostNotification()
    {
        var epoch = Guid.NewGuid();
        (await _grain.NextSubscribeAsync(Guard)).SetResult(new EndpointSet("web", 1, [], epoch));
        Assert.Equal(1, (await NextAsync()).Version);

        // Version 2's notification was lost; the renewal brings version 3.
        var renewal = await AdvanceUntilRenewedAsync();
        renewal.Reply.SetResult(new EndpointSet("web", 3, [], epoch));

        Assert.Equal(3, (await NextAsync()).Version);
        var next = await AdvanceUntilRenewedAsync();
        Assert.Equal((epoch, 3L), (next.Epoch, next.Version));
    }

    [Fact]
    public async Task AfterAMembershipChange_ItSubscribesInFull_NotWithARenewal()
    {
        (await _grain.NextSubscribeAsync(Guard)).SetResult(new EndpointSet("web", 1, [], Guid.NewGuid()));
        await NextAsync();
        _ = await _time.NextTimerAsync(due => due == _options.SubscriptionRenewal, Guard);

        _changes.Signal();

        // After the settle pause: a subscribe, whose reply is the new base whatever activation sends it.
        var resubscribe = await AdvanceUntilSubscribedAgainAsync(due => due < TimeSpan.FromSeconds(1));
        var moved = Guid.NewGuid();
        resubscribe.SetResult(new EndpointSet("web", 1, [], moved));
        Assert.Equal(moved, (await NextAsync()).Epoch);
    }

    [Fact]
    public async Task AMissedDelta_SubscribesAgainAtOnce_NotAtTheNextRenewal()
    {
        var epoch = Guid.NewGuid();
        (await _grain.NextSubscribeAsync(Guard)).SetResult(new EndpointSet("web", 1, [], epoch));
        Assert.Equal(1, (await NextAsync()).Version);
        var subscribedAt = _time.GetUtcNow();

        // Version 2's delta never came; 3's does.
        _observer.Offer(EndpointDelta.Between(new EndpointSet("web", 2, [], epoch), new EndpointSet("web", 3, [], epoch)));

        var again = await _grain.NextSubscribeAsync(Guard);
        Assert.True(_time.GetUtcNow() - subscribedAt < _options.SubscriptionRenewal, "subscribed again only at the renewal");
        again.SetResult(new EndpointSet("web", 3, [], epoch));
        Assert.Equal(3, (await NextAsync()).Version);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running.WaitAsync(Guard);
        _stop.Dispose();
    }

    private async Task<EndpointSet> NextAsync()
    {
        using var guard = new CancellationTokenSource(Guard);
        return await _observer.NextAsync(guard.Token);
    }

    /// <summary>Moves the clock to the next renewal and returns the renewal call that follows.</summary>
    private async Task<Renewal> AdvanceUntilRenewedAsync()
    {
        _time.Advance(await _time.NextTimerAsync(due => due == _options.SubscriptionRenewal, Guard));
        return await _grain.NextRenewalAsync(Guard);
    }

    /// <summary>
    /// Waits until the subscription sets the timer <paramref name="wanted"/> picks, moves the clock to its
    /// due time, and returns the subscribe call that follows.
    /// </summary>
    private async Task<TaskCompletionSource<EndpointSet>> AdvanceUntilSubscribedAgainAsync(Func<TimeSpan, bool> wanted)
    {
        _time.Advance(await _time.NextTimerAsync(wanted, Guard));
        return await _grain.NextSubscribeAsync(Guard);
    }
}
