using System.Collections.Immutable;
using GrandAmbassador.Cluster;
using GrandAmbassador.Configuration;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;
using GrandAmbassador.DataPlane;
using GrandAmbassador.Proxy.Engine;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Ambassador;

/// <summary>
/// Follows one fronted name for one control-plane generation: turns every snapshot that its
/// <see cref="GrainSubscription"/> brings into routes and re-points the name's proxy, which belongs
/// to the data plane and outlives this follower; retries ports it could not bind.
/// </summary>
internal sealed class NameFollower(
    FrontedName name,
    IGrainFactory grains,
    string hostId,
    FollowerOptions options,
    TimeSpan wait,
    ClusterChanges clusterChanges,
    TimeProvider time,
    ILogger logger,
    AmbassadorMetrics? metrics = null)
{
    private static readonly TimeSpan ListenRetry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FirstReportGrace = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan AppliedTimeout = TimeSpan.FromSeconds(5);
    private readonly FrontedService _service = name.Service;
    private readonly ServiceProxy _proxy = name.Proxy;
    private readonly LabelAccess _labelAccess = new(name.Name, logger);
    private RouteChangeMeter? _meter;

    // What this follower's log lines last said, when it took over from the local engine's seed; null
    // until its first apply otherwise, so that a new generation says the name's routes once again.
    private AppliedRoutes? _logged;
    private IContainerEndpointGrain? _grain;

    // The newest snapshot this follower was given, applied or not: what a retry applies again.
    private EndpointSet? _newest;
    private EndpointSet? _failed;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _meter = metrics is null ? null : new RouteChangeMeter(_service.Name, metrics, time);
        var observer = new EndpointObserver();
        var reference = grains.CreateObjectReference<IEndpointObserver>(observer);
        var grain = grains.GetGrain<IContainerEndpointGrain>(_service.Name);
        _grain = grain;
        var subscription = new GrainSubscription(_service.Name, grain, reference, observer, clusterChanges, options, time, logger);
        var renewals = subscription.RunAsync(cancellationToken);
        try
        {
            var first = await FirstSnapshotAsync(observer, cancellationToken).ConfigureAwait(false);
            await TakeOverAsync(cancellationToken).ConfigureAwait(false);
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
            _meter?.Dispose();
        }
    }

    /// <summary>
    /// The first snapshot worth applying. At start, one with no container ready waits briefly for a
    /// newer one: the grain is often read before this host's agent has made its first report, and
    /// "waiting for a container" would be a false alarm (explicit ports already listen meanwhile).
    /// Taking over from an earlier generation (or from the local engine's seed), an empty snapshot is not applied for up to
    /// <see cref="FollowerOptions.TakeoverHold"/>: the grain may have come back empty with the silo,
    /// and applying it would drop the routes the proxy still serves; the agents refill it soon.
    /// </summary>
    private async Task<EndpointSet> FirstSnapshotAsync(EndpointObserver observer, CancellationToken cancellationToken)
    {
        var takingOver = name.Applied.Snapshot is not null;
        var latest = await observer.NextAsync(cancellationToken).ConfigureAwait(false);
        if (IsWorthApplying(latest, takingOver))
        {
            return latest;
        }

        if (takingOver && name.Applied.FromLocalEngine)
        {
            AmbassadorLog.HoldingLocalRoutes(logger, _service.Name, options.TakeoverHold.TotalSeconds);
        }
        else if (takingOver)
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

    /// <summary>
    /// From here on only this follower steers the name. Not before its first snapshot worth applying:
    /// until then the local engine's seed, if any, keeps the name's routes current (a container that
    /// starts while the agent has not yet reported to the grain is served all the same).
    /// </summary>
    private async Task TakeOverAsync(CancellationToken cancellationToken)
    {
        var applied = await name.TakeOverAsync(cancellationToken).ConfigureAwait(false);
        _logged = applied.FromLocalEngine ? applied : null;
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
            return _newest!;
        }
    }

    /// <returns>Whether the newest snapshot should be applied again soon: a port could not be bound, or applying failed.</returns>
    private async Task<bool> ApplyAsync(EndpointSet snapshot, CancellationToken cancellationToken)
    {
        _newest = snapshot;
        try
        {
            // Before the routes: a label's allow-list is in force by the time its container gets connections.
            _proxy.Access.Update(_labelAccess.From(snapshot));
            var plan = RouteBuilder.Build(_service, snapshot, Context(), name.Applied.Plan);
            var change = await name.ApplyAsync(snapshot, plan, cancellationToken).ConfigureAwait(false);
            ListenFailureLog.Log(logger, _service.Name, change.FailedBefore, change.Failed, ListenRetry);
            RouteLogger.Log(logger, _service.Name, change, _logged, first: change.Before.Snapshot is null, wait);
            _logged = change.After;
            _meter?.Measure(change.Before.Snapshot, snapshot);
            _ = SayAppliedAsync(snapshot, plan);
            return !change.Failed.IsEmpty;
        }
        catch (Exception) when (name.Removed.IsCancellationRequested)
        {
            // Removed from the registry meanwhile: its proxy is closing, nothing left to apply.
            return false;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Retried every few seconds until it applies or a newer snapshot comes: one error per snapshot.
            if (ReferenceEquals(_failed, snapshot))
            {
                AmbassadorLog.ApplyFailedAgain(logger, _service.Name, exception.Message);
            }
            else
            {
                AmbassadorLog.ApplyFailed(logger, exception, _service.Name);
                _failed = snapshot;
            }

            return true;
        }
    }

    /// <summary>
    /// Tells the grain what the proxy now dials: what a drain waits for. Not awaited by the loop, and a
    /// failure is only logged at Debug: the next apply says it again, and a drain waits until it hears.
    /// </summary>
    private async Task SayAppliedAsync(EndpointSet snapshot, RoutePlan plan)
    {
        if (_grain is not { } grain)
        {
            return;
        }

        var dialled = plan.Routes.Ports.SelectMany(port => port.Destinations).Select(destination => destination.BackendId).ToHashSet(StringComparer.Ordinal);
        var routed = plan.Routed
            .Where(endpoint => dialled.Contains(endpoint.RunId))
            .Select(endpoint => new ContainerKey(endpoint.HostId, endpoint.ContainerId))
            .Distinct()
            .ToImmutableArray();
        try
        {
            await grain.AppliedAsync(new RoutesApplied(hostId, snapshot.Epoch, snapshot.Version, routed)).WaitAsync(AppliedTimeout, time).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            AmbassadorLog.AppliedNotTold(logger, _service.Name, exception.Message.Split('\n')[0]);
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

    private RouteContext Context() => new(hostId, LocalNetworks.Read(), options.MaxExposedPorts, options.PreferIpv6, options.CrossHost);
}
