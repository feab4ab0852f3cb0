using System.Collections.Immutable;
using GrandAmbassador.Cluster;
using GrandAmbassador.Configuration;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;
using GrandAmbassador.DataPlane;
using GrandAmbassador.Proxy.Hosting;
using GrandAmbassador.Proxy.Routing;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Ambassador;

/// <summary>
/// Follows one fronted name for one control-plane generation: subscribes to its grain (renewing, since
/// observers are not durable), turns every snapshot into routes and re-points the name's proxy, which
/// belongs to the data plane and outlives this follower.
/// </summary>
internal sealed class ServiceFollower(
    FrontedName name,
    IGrainFactory grains,
    string hostId,
    AmbassadorOptions options,
    TimeSpan wait,
    ClusterChanges clusterChanges,
    TimeProvider time,
    ILogger logger,
    AmbassadorMetrics? metrics = null)
{
    private static readonly TimeSpan ListenRetry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FirstReportGrace = TimeSpan.FromSeconds(2);
    private readonly FrontedService _service = name.Service;
    private readonly ServiceProxy _proxy = name.Proxy;
    private readonly RouteLogger _routeLogger = new(name.Name, logger);
    private EndpointSet? _applied = name.Applied.Snapshot;
    private ImmutableArray<ListenPort> _ports = name.Applied.Ports;
    private DateTimeOffset _followingSince = DateTimeOffset.MaxValue;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _followingSince = time.GetUtcNow();
        var observer = new EndpointObserver();
        var reference = grains.CreateObjectReference<IEndpointObserver>(observer);
        var grain = grains.GetGrain<IContainerEndpointGrain>(_service.Name);
        var renewals = KeepSubscribedAsync(grain, reference, observer, cancellationToken);
        try
        {
            var first = await FirstSnapshotAsync(observer, cancellationToken).ConfigureAwait(false);
            var retryListening = await ApplyAsync(first, cancellationToken).ConfigureAwait(false);
            while (!cancellationToken.IsCancellationRequested)
            {
                var snapshot = retryListening
                    ? await NextOrRetryAsync(observer, cancellationToken).ConfigureAwait(false)
                    : await observer.NextAsync(cancellationToken).ConfigureAwait(false);
                retryListening = await ApplyAsync(snapshot, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await renewals.ConfigureAwait(false);
            await UnsubscribeQuietlyAsync(grain, reference).ConfigureAwait(false);
            grains.DeleteObjectReference<IEndpointObserver>(reference);
        }
    }

    /// <summary>
    /// The first snapshot worth applying. At start, one with no container ready waits briefly for a
    /// newer one: the grain is often read before this host's agent has made its first report, and
    /// "waiting for a container" would be a false alarm (explicit ports already listen meanwhile).
    /// Taking over from an earlier generation, an empty snapshot is not applied for up to
    /// <see cref="AmbassadorOptions.TakeoverHold"/>: the grain may have come back empty with the silo,
    /// and applying it would drop the routes the proxy still serves; the agents refill it soon.
    /// </summary>
    private async Task<EndpointSet> FirstSnapshotAsync(EndpointObserver observer, CancellationToken cancellationToken)
    {
        var takingOver = _applied is not null;
        var latest = await observer.NextAsync(cancellationToken).ConfigureAwait(false);
        if (IsWorthApplying(latest, takingOver))
        {
            return latest;
        }

        if (takingOver)
        {
            AmbassadorLog.HoldingRoutes(logger, _service.Name, options.TakeoverHold.TotalSeconds);
        }

        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        grace.CancelAfter(takingOver ? options.TakeoverHold : FirstReportGrace);
        try
        {
            while (true)
            {
                latest = await observer.NextAsync(grace.Token).ConfigureAwait(false);
                if (IsWorthApplying(latest, takingOver))
                {
                    return latest;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return latest;
        }
    }

    private static bool IsWorthApplying(EndpointSet snapshot, bool takingOver) =>
        takingOver ? snapshot.Endpoints.Length > 0 : snapshot.Endpoints.Any(endpoint => endpoint.AcceptsTraffic);

    private async Task<EndpointSet> NextOrRetryAsync(EndpointObserver observer, CancellationToken cancellationToken)
    {
        using var retry = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        retry.CancelAfter(ListenRetry);
        try
        {
            return await observer.NextAsync(retry.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return _applied!;
        }
    }

    /// <returns>Whether some port could not be bound and the snapshot should be applied again soon.</returns>
    private async Task<bool> ApplyAsync(EndpointSet snapshot, CancellationToken cancellationToken)
    {
        try
        {
            var plan = RouteBuilder.Build(_service, snapshot, Context(), _ports);
            var failures = await _proxy.ApplyAsync(plan.Routes, cancellationToken).ConfigureAwait(false);
            foreach (var failure in failures)
            {
                AmbassadorLog.ListenFailed(logger, _service.Name, failure.Port.ToString(), failure.Reason);
            }

            _routeLogger.Log(plan, snapshot, _applied is null, wait);
            _ports = [.. plan.Routes.Ports.Select(port => port.Listen)];
            Measure(snapshot);
            _applied = snapshot;
            name.Applied = new AppliedRoutes(snapshot, _ports);
            return failures.Count > 0;
        }
        catch (Exception) when (name.Removed.IsCancellationRequested)
        {
            // Removed from the registry meanwhile: its proxy is closing, nothing left to apply.
            return false;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            AmbassadorLog.ApplyFailed(logger, exception, _service.Name);
            _applied ??= snapshot;
            return true;
        }
    }

    /// <summary>
    /// Subscribes now and renews on a timer. Each reply carries the grain's snapshot, which also
    /// repairs a missed notification, or a grain that was reactivated elsewhere and refilled.
    /// </summary>
    private async Task KeepSubscribedAsync(IContainerEndpointGrain grain, IEndpointObserver reference, EndpointObserver observer, CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            TimeSpan delay;
            try
            {
                observer.Offer(await grain.SubscribeAsync(reference).WaitAsync(cancellationToken).ConfigureAwait(false));
                failures = 0;
                delay = options.SubscriptionRenewal;
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                failures++;
                delay = TimeSpan.FromSeconds(Math.Min(15, Math.Pow(2, failures - 1)));
                AmbassadorLog.SubscribeFailed(logger, exception, _service.Name, delay.TotalSeconds);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            // Renew on the timer, or at once when a silo died or joined: the grain may have moved.
            var membershipChanged = clusterChanges.Next;
            try
            {
                await Task.WhenAny(Task.Delay(delay, time, cancellationToken), membershipChanged).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Counts the change, and for every run of a container that is new since the last snapshot, the
    /// time from its start (Docker's start event) to now: only for containers that started while this
    /// follower was watching, since one that started earlier would read as a slow route.
    /// </summary>
    private void Measure(EndpointSet snapshot)
    {
        if (metrics is null || _applied is null || _applied.Version == snapshot.Version)
        {
            return;
        }

        var tag = new KeyValuePair<string, object?>("name", _service.Name);
        metrics.RouteChanges.Add(1, tag);
        var now = time.GetUtcNow();
        foreach (var endpoint in snapshot.Endpoints)
        {
            if (endpoint.AcceptsTraffic && endpoint.StartedAt >= _followingSince && !_applied.Endpoints.Any(old => old.RunId == endpoint.RunId && old.AcceptsTraffic))
            {
                metrics.RouteDelay.Record(Math.Max(0, (now - endpoint.StartedAt).TotalSeconds), tag);
            }
        }
    }

    private static async Task UnsubscribeQuietlyAsync(IContainerEndpointGrain grain, IEndpointObserver reference)
    {
        try
        {
            await grain.UnsubscribeAsync(reference).WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Shutting down: the grain forgets the observer when its subscription expires anyway.
        }
    }

    private RouteContext Context() => new(hostId, LocalNetworks.Read());
}
