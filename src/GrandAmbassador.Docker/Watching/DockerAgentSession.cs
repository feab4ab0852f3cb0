using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Docker.Inspection;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Docker.Watching;

/// <summary>
/// One connection's worth of watching: subscribe to events, list and inspect everything, then follow
/// events (each inspects its container) and re-list periodically, inspecting only what the list shows
/// new or changed, and everything every <c>fullSweepInterval</c> (<see cref="ReListPlan"/>). Ends only
/// by failing (engine gone, stream ended) or by cancellation; the agent then reconnects with a new session.
/// </summary>
internal sealed class DockerAgentSession(
    IDockerClient client,
    ContainerInspector inspector,
    IContainerEndpointSink sink,
    AgentSequence sequence,
    KnownContainers known,
    DrainedContainers drained,
    TimeProvider timeProvider,
    TimeSpan reconcileInterval,
    TimeSpan fullSweepInterval,
    ILogger logger)
{
    private const int MaxBatch = 256;

    private readonly AgentWorkQueue _queue = new(logger, timeProvider);
    private readonly CancellationTokenSource _stopped = new();
    private readonly List<Task> _rechecks = [];

    // This session's last inspect of each container: what a restate judges again, and a re-list
    // reports again for a container whose list entry has not changed.
    private readonly Dictionary<string, InspectedContainer> _inspected = new(StringComparer.Ordinal);

    private readonly ReListPlan _relist = new(timeProvider, fullSweepInterval);

    /// <summary>The work queued and not yet taken by the session's loop: lets a test know a tick has been queued.</summary>
    internal int QueuedWork => _queue.Reader.Count;

    /// <summary>Completes when the next work is queued (<see cref="AgentWorkQueue.NextQueued"/>).</summary>
    internal Task NextQueued => _queue.NextQueued;

    /// <summary>Asks this session to report <paramref name="containerId"/> again as it now judges it, without an inspect.</summary>
    public void RequestRestate(string containerId) => _queue.RequestRestate(containerId);

    /// <summary>Runs until it fails or <paramref name="ct"/> is cancelled; <paramref name="onListed"/> runs after the first full list.</summary>
    public async Task RunAsync(Action<SystemInfoResponse> onListed, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var info = await client.System.GetSystemInfoAsync(cts.Token).ConfigureAwait(false);

        // Subscribe before listing, so that nothing between the list and the subscription is lost.
        // `since` = the engine's own clock before the list makes the engine replay anything that
        // happened before the subscription request reached it, whatever the request's timing.
        var events = WatchEventsAsync(SinceParameter(info.SystemTime), cts.Token);
        var ticker = TickAsync(cts.Token);
        try
        {
            await ReconcileAsync(eventsLost: false, refresh: new HashSet<string>(), cts.Token).ConfigureAwait(false);
            onListed(info);
            await ProcessAsync(cts.Token).ConfigureAwait(false);
        }
        finally
        {
            await cts.CancelAsync().ConfigureAwait(false);
            await _stopped.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll([events, ticker, .. _rechecks]).ConfigureAwait(false);
            _stopped.Dispose();
        }
    }

    private async Task WatchEventsAsync(string? since, CancellationToken ct)
    {
        var parameters = new ContainerEventsParameters
        {
            Since = since,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["type"] = new Dictionary<string, bool> { ["container"] = true, ["network"] = true },
            },
        };
        try
        {
            await client.System.MonitorEventsAsync(parameters, _queue, ct).ConfigureAwait(false);
            _queue.Complete(new EventStreamEndedException());
        }
        catch (Exception exception)
        {
            _queue.Complete(exception);
        }
    }

    private async Task TickAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(reconcileInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                _queue.RequestReconcile();
            }
        }
        catch (OperationCanceledException)
        {
            // The session is over.
        }
    }

    private async Task ProcessAsync(CancellationToken ct)
    {
        var batch = new List<string>(MaxBatch);
        var restates = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);

        // WaitToReadAsync throws the stream's failure once the queue is drained: the session ends.
        while (await _queue.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
        {
            batch.Clear();
            restates.Clear();
            seen.Clear();
            var reconcile = false;
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var work))
            {
                if (work.ContainerId is null)
                {
                    reconcile = true;
                }
                else if (work.Restate)
                {
                    restates.Add(work.ContainerId);
                }
                else if (seen.Add(work.ContainerId))
                {
                    // Level-triggered: a restart's kill, die, stop, start… need one inspect, not six.
                    batch.Add(work.ContainerId);
                }
            }

            // Before any inspect: a restate needs no engine call, and is what a stop or a drain waits for.
            foreach (var containerId in restates)
            {
                await RestateAsync(containerId, ct).ConfigureAwait(false);
            }

            var eventsLost = _queue.TakeReconcileRequest();
            if (eventsLost || reconcile)
            {
                // A list made now is newer than every event read so far; the containers this batch's
                // events name are inspected by it whether or not their list entry changed.
                await ReconcileAsync(eventsLost, seen, ct).ConfigureAwait(false);
                continue;
            }

            foreach (var containerId in batch)
            {
                await RefreshAsync(containerId, ct).ConfigureAwait(false);
            }
        }

        throw new EventStreamEndedException();
    }

    /// <summary>
    /// Lists every container, inspects those whose list entry is new or changed since the last list (or
    /// <paramref name="refresh"/> names, or all of them in a full sweep), judges every listed one (the
    /// others from their last inspect) and hands the sink the full set: what it no longer has is gone.
    /// </summary>
    private async Task ReconcileAsync(bool eventsLost, IReadOnlySet<string> refresh, CancellationToken ct)
    {
        var sweep = _relist.SweepReason(eventsLost);
        var listed = await inspector.ListAsync(client, ct).ConfigureAwait(false);
        var inspected = new List<InspectedContainer>(listed.Count);
        var kept = new List<ListedContainer>(listed.Count);
        var inspects = 0;
        foreach (var entry in listed)
        {
            if (sweep is null && !refresh.Contains(entry.Id) && _relist.Unchanged(entry) && _inspected.TryGetValue(entry.Id, out var last))
            {
                inspected.Add(last);
                kept.Add(entry);
                continue;
            }

            inspects++;
            if (await inspector.InspectAsync(client, entry.Id, ct).ConfigureAwait(false) is { } one)
            {
                inspected.Add(one);
                kept.Add(entry);
            }
        }

        // Removed between list and inspect: not remembered, so that a later list showing it inspects it again.
        _relist.Listed(kept);
        _inspected.Clear();
        foreach (var one in inspected)
        {
            _inspected[one.Endpoint.ContainerId] = one;
        }

        if (sweep is not null)
        {
            DockerAgentLog.FullSweep(logger, listed.Count, sweep);
        }

        var (all, gone) = known.Reconciled(inspected.Select(Judge).ToList());
        DockerAgentLog.Reconciled(logger, listed.Count, inspects);
        var number = sequence.Next();
        await SinkAsync(nameof(IContainerEndpointSink.ReconcileAsync), () => sink.ReconcileAsync(all, gone, number, ct), ct).ConfigureAwait(false);
    }

    private async Task RefreshAsync(string containerId, CancellationToken ct)
    {
        if (await inspector.InspectAsync(client, containerId, ct).ConfigureAwait(false) is { } inspected)
        {
            _inspected[containerId] = inspected;
            var endpoint = Judge(inspected);
            var report = known.Reported(endpoint);
            DockerAgentLog.ContainerReported(logger, endpoint.ContainerName, endpoint.ShortId, endpoint.Running, endpoint.Health, endpoint.Stopping);
            await SinkAsync(nameof(IContainerEndpointSink.ReportAsync), () => sink.ReportAsync(report, ct), ct).ConfigureAwait(false);
        }
        else
        {
            _inspected.Remove(containerId);
            drained.Removed(containerId);
            var last = known.Removed(containerId);
            DockerAgentLog.ContainerRemoved(logger, containerId);
            var removed = sequence.Next();
            await SinkAsync(nameof(IContainerEndpointSink.RemoveAsync), () => sink.RemoveAsync(containerId, last, removed, ct), ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reports a container again from its last inspect when how it is judged changed since (a stop signal
    /// arrived, it was drained or undrained); nothing when it did not, or when it was never inspected.
    /// </summary>
    private async Task RestateAsync(string containerId, CancellationToken ct)
    {
        if (!_inspected.TryGetValue(containerId, out var inspected))
        {
            return;
        }

        var endpoint = Judge(inspected);
        if (known.Find(containerId) is { } last && last with { Sequence = 0 } == endpoint with { Sequence = 0 })
        {
            return;
        }

        var report = known.Reported(endpoint);
        DockerAgentLog.ContainerReported(logger, endpoint.ContainerName, endpoint.ShortId, endpoint.Running, endpoint.Health, endpoint.Stopping);
        await SinkAsync(nameof(IContainerEndpointSink.ReportAsync), () => sink.ReportAsync(report, ct), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The endpoint to report: numbered in the agent's order and marked stopping when it is on its
    /// way out (signalled to stop, or drained); a signalled one is inspected again once its stop
    /// timeout (plus a margin) has passed. The number is drawn before the drain mark is read: a drain
    /// numbers its own report after setting the mark, so a report that missed the mark is older than it.
    /// </summary>
    private ContainerEndpoint Judge(InspectedContainer inspected)
    {
        var number = sequence.Next();
        var endpoint = drained.Mark(_queue.Stopping.Mark(inspected)) with { Sequence = number };
        if (endpoint.Stopping && _queue.Stopping.RecheckAt(inspected) is { } at)
        {
            _rechecks.RemoveAll(task => task.IsCompleted);
            _rechecks.Add(RecheckAsync(endpoint.ContainerId, at, _stopped.Token));
        }

        return endpoint;
    }

    private async Task RecheckAsync(string containerId, DateTimeOffset at, CancellationToken ct)
    {
        try
        {
            var wait = at - timeProvider.GetUtcNow();
            await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, timeProvider, ct).ConfigureAwait(false);
            _queue.RequestRefresh(containerId);
        }
        catch (OperationCanceledException)
        {
            // The session is over; the next one judges every container from inspect afresh.
        }
    }

    // The sink failing (its cluster unreachable) is not the engine failing: keep watching, and
    // let the next periodic reconcile report the whole set again.
    private async Task SinkAsync(string operation, Func<Task> call, CancellationToken ct)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (Exception exception) when (!ct.IsCancellationRequested)
        {
            DockerAgentLog.SinkFailed(logger, operation, exception);
        }
    }

    // The engine's "since" takes Unix seconds with a fraction.
    private static string? SinceParameter(string systemTime)
    {
        var time = DockerTimestamp.Parse(systemTime);
        if (time == DateTimeOffset.MinValue)
        {
            return null;
        }

        var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return string.Create(CultureInfo.InvariantCulture, $"{ticks / TimeSpan.TicksPerSecond}.{ticks % TimeSpan.TicksPerSecond * 100:D9}");
    }
}
