using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Ambassador;

/// <summary>
/// Measures one follower's route changes: counts each, and for every run of a container that is new
/// since the last snapshot, records the time from its start (Docker's start event) to now. Only for
/// containers that started while this follower was watching: one that started earlier would read as
/// a slow route.
/// </summary>
internal sealed class RouteChangeMeter(string name, AmbassadorMetrics metrics, TimeProvider time)
{
    private readonly DateTimeOffset _followingSince = time.GetUtcNow();
    private readonly KeyValuePair<string, object?> _tag = new("name", name);

    public void Measure(EndpointSet? previous, EndpointSet snapshot)
    {
        if (previous is null || (previous.Epoch == snapshot.Epoch && previous.Version == snapshot.Version))
        {
            return;
        }

        metrics.RouteChanges.Add(1, _tag);
        var now = time.GetUtcNow();
        foreach (var endpoint in snapshot.Endpoints)
        {
            if (endpoint.AcceptsTraffic && endpoint.StartedAt >= _followingSince && !previous.Endpoints.Any(old => old.RunId == endpoint.RunId && old.AcceptsTraffic))
            {
                metrics.RouteDelay.Record(Math.Max(0, (now - endpoint.StartedAt).TotalSeconds), _tag);
            }
        }
    }
}
