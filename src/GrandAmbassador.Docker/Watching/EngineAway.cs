using GrandAmbassador.Contracts.Endpoints;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Docker.Watching;

/// <summary>
/// What the agent does while it cannot reach its engine: the engine restarting (live-restore keeps
/// the containers running) is no evidence that a container stopped, so it keeps vouching for what it
/// last saw, flagged <see cref="ContainerEndpoint.Stale"/>, once a reconcile interval (the sink sends the
/// stale flag once, then only the host's heartbeat), for up to
/// <see cref="DockerAgentOptions.StaleEndpointLifetime"/>. Then it stops: the endpoints get no new
/// connections once the host's lease lapses, and nothing tells anyone to close open connections.
/// </summary>
internal sealed class EngineAway(
    IContainerEndpointSink sink,
    KnownContainers known,
    AgentSequence sequence,
    TimeProvider time,
    DockerAgentOptions options,
    ILogger logger)
{
    private DateTimeOffset? _since;
    private DateTimeOffset _lastRenewal;
    private bool _dropped;

    /// <summary>The engine answered: nothing is stale any more.</summary>
    public void Back()
    {
        _since = null;
        _dropped = false;
    }

    /// <summary>Waits <paramref name="delay"/> before the next reconnection attempt, renewing meanwhile.</summary>
    public async Task WaitAsync(TimeSpan delay, CancellationToken ct)
    {
        var until = time.GetUtcNow() + delay;
        while (true)
        {
            await RenewAsync(ct).ConfigureAwait(false);
            var left = until - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                return;
            }

            await Task.Delay(left < options.ReconcileInterval ? left : options.ReconcileInterval, time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Renews the last known endpoints, flagged stale, at most once a reconcile interval and only within the bound.</summary>
    internal async Task RenewAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var first = _since is null;
        _since ??= now;
        var all = known.All;
        if (now - _since.Value >= options.StaleEndpointLifetime)
        {
            if (!_dropped)
            {
                _dropped = true;
                DockerAgentLog.StaleDropped(logger, all.Count, options.StaleEndpointLifetime.TotalSeconds);
            }

            return;
        }

        if (all.Count == 0 || (!first && now - _lastRenewal < options.ReconcileInterval))
        {
            return;
        }

        if (first)
        {
            DockerAgentLog.KeepingStale(logger, all.Count, options.StaleEndpointLifetime.TotalSeconds);
        }

        _lastRenewal = now;
        // Remembered as sent, stale flag and sequence included: a re-report after a cluster change
        // meanwhile sends what the grains last heard, not an older, fresh-looking state.
        var (stale, _) = known.Reconciled(all.Select(endpoint => endpoint with { Stale = true, Sequence = sequence.Next() }).ToList());
        try
        {
            // Nothing is gone: the set is the one the agent knew, and the engine is no evidence of any removal now.
            await sink.ReconcileAsync(stale, [], sequence.Next(), ct).ConfigureAwait(false);
        }
        catch (Exception exception) when (!ct.IsCancellationRequested)
        {
            DockerAgentLog.SinkFailed(logger, nameof(IContainerEndpointSink.ReconcileAsync), exception);
        }
    }
}
