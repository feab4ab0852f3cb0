using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Ambassador;

/// <summary>
/// Measures one follower's route changes: counts each, and for every run of a container that is new
/// since the last snapshot, records the time from its start (Docker's start event) to now. Only for
/// containers that started while this follower was watching: one that started earlier would read as
/// a slow route. Its count is reported while the follower runs (dispose it when the follower ends).
/// </summary>
internal sealed class RouteChangeMeter : IDisposable
{
    private readonly AmbassadorMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _followingSince;
    private long _changes;

    public RouteChangeMeter(string name, AmbassadorMetrics metrics, TimeProvider time)
    {
        _metrics = metrics;
        _time = time;
        _followingSince = time.GetUtcNow();
        NameTag = new("name", name);
        metrics.Track(this);
    }

    public KeyValuePair<string, object?> NameTag { get; }

    /// <summary>Route changes measured so far.</summary>
    public long Changes => Volatile.Read(ref _changes);

    public void Measure(EndpointSet? previous, EndpointSet snapshot)
    {
        if (previous is null || (previous.Epoch == snapshot.Epoch && previous.Version == snapshot.Version))
        {
            return;
        }

        Interlocked.Increment(ref _changes);
        var now = _time.GetUtcNow();
        foreach (var endpoint in snapshot.Endpoints)
        {
            if (endpoint.AcceptsTraffic && endpoint.StartedAt >= _followingSince && !previous.Endpoints.Any(old => old.RunId == endpoint.RunId && old.AcceptsTraffic))
            {
                _metrics.RouteDelay.Record(Math.Max(0, (now - endpoint.StartedAt).TotalSeconds));
            }
        }
    }

    public void Dispose() => _metrics.Forget(this);
}
