using GrandAmbassador.Cluster;
using GrandAmbassador.Configuration;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;
using GrandAmbassador.Docker.Common;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Ambassador;

/// <summary>
/// Keeps a follower subscribed to its name's grain for one control-plane generation, and hands each
/// reply to the follower's <see cref="EndpointObserver"/>. Observers are not durable, so the
/// subscription is renewed on a timer (rarely: the grain pushes every change, so a renewal only covers
/// a lost notification or an observer the grain dropped), and subscribed again in full at every
/// membership change (the grain may have moved and come back empty). A renewal says which snapshot
/// the follower holds and carries none back when that is still the grain's current one. Every call is
/// bounded: one sent to an activation whose silo has just died can wait for Orleans' 30 s response
/// timeout, while the name's routes still point at that silo's host. A membership change while a call
/// is in flight abandons the call and subscribes again, after a short random pause.
/// </summary>
internal sealed class GrainSubscription(
    string name,
    IContainerEndpointGrain grain,
    IEndpointObserver reference,
    EndpointObserver observer,
    ClusterChanges clusterChanges,
    FollowerOptions options,
    TimeProvider time,
    ILogger logger)
{
    private static readonly Task Never = new TaskCompletionSource().Task;

    private readonly ReconnectBackoff _backoff = new(options.SubscribeRetryMinDelay, options.SubscribeRetryMaxDelay, jitter: 0.5);

    private enum Outcome
    {
        Subscribed,
        Failed,
        ClusterChanged,
    }

    /// <summary>Until <paramref name="cancellationToken"/> ends the generation or the name; never fails otherwise.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            var renew = false;
            while (true)
            {
                // Read before the call: a change during the call must not go unnoticed.
                var membershipChanged = clusterChanges.Next;
                var outcome = await SubscribeOnceAsync(renew, membershipChanged, cancellationToken).ConfigureAwait(false);
                var delay = outcome switch
                {
                    Outcome.Subscribed => options.SubscriptionRenewal,
                    Outcome.ClusterChanged => TimeSpan.Zero,
                    _ => _backoff.Next(),
                };

                // Subscribed, a missed delta also brings the whole snapshot at once; after a failure the backoff rules.
                var resync = outcome == Outcome.Subscribed ? observer.ResyncNeeded : Never;
                await WaitAsync(delay, Task.WhenAny(membershipChanged, resync), cancellationToken).ConfigureAwait(false);

                // Only the timer's call is a renewal. The first subscribe of a generation, a retry after a
                // failure, every call after a membership change and one after a missed delta subscribe in full:
                // the grain may have moved and come back as a new activation, whose new epoch would get a renewal
                // the whole snapshot anyway; a full subscribe takes its reply as the new base without depending on that.
                renew = outcome == Outcome.Subscribed && !membershipChanged.IsCompleted && !resync.IsCompleted;
                if (membershipChanged.IsCompleted)
                {
                    await Task.Delay(SettleAfterChange(), time, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// A short random pause after a membership change: every follower on every host hears of the
    /// same change at once, and Orleans on this silo drops its cached locations on the dead silo in
    /// the same instant; subscribing a moment later spreads the calls and finds the new activation.
    /// </summary>
    private static TimeSpan SettleAfterChange() => TimeSpan.FromMilliseconds(Random.Shared.Next(100, 500));

    /// <summary>Until <paramref name="delay"/> has passed or <paramref name="wake"/> came (membership changed, a delta was missed), whichever is first.</summary>
    private async Task WaitAsync(TimeSpan delay, Task wake, CancellationToken cancellationToken)
    {
        if (delay > TimeSpan.Zero)
        {
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await Task.WhenAny(Task.Delay(delay, time, timer.Token), wake).ConfigureAwait(false);
            await timer.CancelAsync().ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// One subscribe, or with <paramref name="renew"/> one renewal from the snapshot the observer holds: its
    /// reply is null ("not modified") when the grain's current snapshot is that one, and then nothing changes.
    /// </summary>
    private async Task<Outcome> SubscribeOnceAsync(bool renew, Task membershipChanged, CancellationToken cancellationToken)
    {
        Task<EndpointSet?> call;
        try
        {
            call = renew && observer.Latest is { } held
                ? grain.RenewAsync(reference, held.Epoch, held.Version)
                : Full(grain.SubscribeAsync(reference));
        }
        catch (Exception exception)
        {
            AmbassadorLog.SubscribeFailed(logger, exception, name);
            return Outcome.Failed;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var deadline = Task.Delay(options.SubscribeTimeout, time, timeout.Token);
        var first = await Task.WhenAny(call, membershipChanged, deadline).ConfigureAwait(false);
        await timeout.CancelAsync().ConfigureAwait(false);
        if (first == call)
        {
            try
            {
                if (await call.ConfigureAwait(false) is { } snapshot)
                {
                    observer.OfferReply(snapshot);
                }

                _backoff.Reset();
                return Outcome.Subscribed;
            }
            catch (Exception exception)
            {
                AmbassadorLog.SubscribeFailed(logger, exception, name);
                return Outcome.Failed;
            }
        }

        // Abandoned: its reply, if one ever comes, is older than the next call's and must not become the base.
        _ = call.ContinueWith(static abandoned => _ = abandoned.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        cancellationToken.ThrowIfCancellationRequested();
        if (first == membershipChanged)
        {
            return Outcome.ClusterChanged;
        }

        AmbassadorLog.SubscribeTimedOut(logger, name, options.SubscribeTimeout.TotalSeconds);
        return Outcome.Failed;
    }

    private static async Task<EndpointSet?> Full(Task<EndpointSet> subscribe) => await subscribe.ConfigureAwait(false);
}
