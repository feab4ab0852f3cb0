using System.Collections.Immutable;
using GrandAmbassador.Cluster;
using GrandAmbassador.CommandLine;
using GrandAmbassador.Configuration;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;
using GrandAmbassador.Proxy.Hosting;
using GrandAmbassador.Proxy.Routing;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Ambassador;

/// <summary>
/// Follows one fronted name: subscribes to its grain (renewing, since observers are not durable),
/// turns every snapshot into routes and re-points the name's proxy.
/// </summary>
internal sealed class ServiceFollower(
    FrontedService service,
    ServiceProxy proxy,
    IGrainFactory grains,
    string hostId,
    AmbassadorOptions options,
    TimeSpan wait,
    ClusterChanges clusterChanges,
    TimeProvider time,
    ILogger logger,
    AmbassadorMetrics? metrics = null,
    Action? applied = null) : IAsyncDisposable
{
    private static readonly TimeSpan ListenRetry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FirstReportGrace = TimeSpan.FromSeconds(2);
    private readonly RouteLogger _routeLogger = new(service.Name, logger);
    private ImmutableArray<ListenPort> _ports = [];
    private EndpointSet? _applied;
    private volatile bool _listening;
    private DateTimeOffset _followingSince = DateTimeOffset.MaxValue;

    /// <summary>Every port of the name's current routes is bound (false before the first route, or while one fails).</summary>
    public bool IsListening => _listening;

    /// <summary>The snapshot last applied, and when: what the page shows as the name's last change.</summary>
    public (EndpointSet Snapshot, DateTimeOffset At)? LastApplied { get; private set; }

    /// <summary>Binds the explicit <c>--port</c>s now, so that a port already taken stops start-up.</summary>
    public async Task BindExplicitPortsAsync(CancellationToken cancellationToken)
    {
        if (!service.HasExplicitPorts)
        {
            return;
        }

        var plan = RouteBuilder.Build(service, EndpointSet.Empty(service.Name), Context(), _ports);
        var failures = await proxy.ApplyAsync(plan.Routes, cancellationToken).ConfigureAwait(false);
        if (failures.Count > 0)
        {
            throw new StartupException($"cannot listen on {failures[0].Port} for {service.Name}: {failures[0].Reason}");
        }

        _ports = [.. plan.Routes.Ports.Select(port => port.Listen)];
        _listening = true;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _followingSince = time.GetUtcNow();
        var observer = new EndpointObserver();
        var reference = grains.CreateObjectReference<IEndpointObserver>(observer);
        var grain = grains.GetGrain<IContainerEndpointGrain>(service.Name);
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

    public ValueTask DisposeAsync() => proxy.DisposeAsync();

    /// <summary>
    /// The first snapshot; when it has no container ready, a newer one is awaited briefly: at start
    /// the grain is often read before this host's agent has made its first report, and "waiting for
    /// a container" would be a false alarm. Explicit ports are already listening meanwhile.
    /// </summary>
    private async Task<EndpointSet> FirstSnapshotAsync(EndpointObserver observer, CancellationToken cancellationToken)
    {
        var first = await observer.NextAsync(cancellationToken).ConfigureAwait(false);
        if (first.Endpoints.Any(endpoint => endpoint.AcceptsTraffic))
        {
            return first;
        }

        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        grace.CancelAfter(FirstReportGrace);
        try
        {
            return await observer.NextAsync(grace.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return first;
        }
    }

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
            var plan = RouteBuilder.Build(service, snapshot, Context(), _ports);
            var failures = await proxy.ApplyAsync(plan.Routes, cancellationToken).ConfigureAwait(false);
            foreach (var failure in failures)
            {
                AmbassadorLog.ListenFailed(logger, service.Name, failure.Port.ToString(), failure.Reason);
            }

            _routeLogger.Log(plan, snapshot, _applied is null, wait);
            _ports = [.. plan.Routes.Ports.Select(port => port.Listen)];
            _listening = failures.Count == 0 && _ports.Length > 0;
            Measure(snapshot);
            _applied = snapshot;
            LastApplied = (snapshot, time.GetUtcNow());
            applied?.Invoke();
            return failures.Count > 0;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            AmbassadorLog.ApplyFailed(logger, exception, service.Name);
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
                AmbassadorLog.SubscribeFailed(logger, exception, service.Name, delay.TotalSeconds);
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

        var name = new KeyValuePair<string, object?>("name", service.Name);
        metrics.RouteChanges.Add(1, name);
        var now = time.GetUtcNow();
        foreach (var endpoint in snapshot.Endpoints)
        {
            var delay = now - endpoint.StartedAt;
            if (endpoint.AcceptsTraffic && endpoint.StartedAt >= _followingSince && !_applied.Endpoints.Any(old => old.RunId == endpoint.RunId && old.AcceptsTraffic))
            {
                metrics.RouteDelay.Record(Math.Max(0, delay.TotalSeconds), name);
            }
        }
    }

    private RouteContext Context() => new(hostId, LocalNetworks.Read());
}
