using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Docker.Tests.Lab;

/// <summary>
/// Stands in for the Orleans side: records every call and lets a test await the one it expects.
/// Waits look at the whole history too, so a call that came before the wait still counts.
/// </summary>
internal sealed class RecordingEndpointSink : IContainerEndpointSink
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    private readonly Lock _gate = new();
    private readonly List<SinkCall> _calls = [];
    private readonly List<(Func<SinkCall, bool> Match, TaskCompletionSource<SinkCall> Done)> _waiters = [];

    public IReadOnlyList<SinkCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    public Task ReportAsync(ContainerReport report, CancellationToken ct) => Record(new SinkCall.Report(report.Endpoint, report.Previous));

    public Task RemoveAsync(string containerId, ContainerEndpoint? last, long sequence, CancellationToken ct) => Record(new SinkCall.Remove(containerId, last, sequence));

    public Task ReconcileAsync(IReadOnlyCollection<ContainerReport> all, IReadOnlyCollection<ContainerEndpoint> gone, long sequence, CancellationToken ct) =>
        Record(new SinkCall.Reconcile([.. all], [.. gone], sequence));

    /// <summary>The first report (by ReportAsync or within a reconcile) of an endpoint that matches.</summary>
    public async Task<ContainerEndpoint> WaitForEndpointAsync(Func<ContainerEndpoint, bool> match)
    {
        var call = await WaitForAsync(c => EndpointsOf(c).Any(match));
        return EndpointsOf(call).First(match);
    }

    /// <summary>The container reported removed: by RemoveAsync, or missing from a reconcile.</summary>
    public Task<SinkCall> WaitForRemovalAsync(string containerId) => WaitForAsync(c => c switch
    {
        SinkCall.Remove remove => remove.ContainerId == containerId,
        SinkCall.Reconcile reconcile => reconcile.All.All(e => e.ContainerId != containerId),
        _ => false,
    });

    /// <summary>A reconcile, counting from 1, that matches.</summary>
    public async Task<SinkCall.Reconcile> WaitForReconcileAsync(int number, Func<SinkCall.Reconcile, bool>? match = null)
    {
        var seen = 0;
        var gate = new Lock();
        return (SinkCall.Reconcile)await WaitForAsync(c =>
        {
            if (c is not SinkCall.Reconcile reconcile)
            {
                return false;
            }

            lock (gate)
            {
                return ++seen >= number && (match?.Invoke(reconcile) ?? true);
            }
        });
    }

    public Task<SinkCall> WaitForAsync(Func<SinkCall, bool> match) => WaitForAsync(match, skip: 0);

    /// <summary>The first call after the first <paramref name="skip"/> ones that matches.</summary>
    public async Task<SinkCall> WaitForAsync(Func<SinkCall, bool> match, int skip)
    {
        var done = new TaskCompletionSource<SinkCall>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            foreach (var call in _calls.Skip(skip))
            {
                if (match(call))
                {
                    return call;
                }
            }

            _waiters.Add((match, done));
        }

        return await done.Task.WaitAsync(HangGuard);
    }

    private static IEnumerable<ContainerEndpoint> EndpointsOf(SinkCall call) => call switch
    {
        SinkCall.Report report => [report.Endpoint],
        SinkCall.Reconcile reconcile => reconcile.All,
        _ => [],
    };

    private Task Record(SinkCall call)
    {
        lock (_gate)
        {
            _calls.Add(call);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(call))
                {
                    _waiters[i].Done.TrySetResult(call);
                    _waiters.RemoveAt(i);
                }
            }
        }

        return Task.CompletedTask;
    }
}
