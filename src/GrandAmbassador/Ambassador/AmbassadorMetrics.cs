using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace GrandAmbassador.Ambassador;

/// <summary>
/// The followers' instruments on the <c>GrandAmbassador.Ambassador</c> meter: how often a name's routes
/// change (observable, per followed name, so that a name removed at run time leaves no series behind), and how
/// long after a container started its route was in place (one histogram for the process: per name it would
/// outlive the name, and cost a dozen buckets a name).
/// </summary>
internal sealed class AmbassadorMetrics : IDisposable
{
    public const string MeterName = "GrandAmbassador.Ambassador";

    private readonly Meter _meter = new(MeterName);
    private readonly ConcurrentDictionary<RouteChangeMeter, byte> _followed = new();

    public AmbassadorMetrics()
    {
        _meter.CreateObservableCounter(
            "grand_ambassador.route.changes",
            () => _followed.Keys.Select(meter => new Measurement<long>(meter.Changes, meter.NameTag)),
            "{change}",
            "Snapshots of a name's endpoints applied to its proxy.");
        RouteDelay = _meter.CreateHistogram<double>(
            "grand_ambassador.route.delay", "s",
            "From a container's start (Docker's start event time, StartedAt) to its route being applied here.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
    }

    public Histogram<double> RouteDelay { get; }

    /// <summary>Reports <paramref name="meter"/>'s route changes until <see cref="Forget"/>.</summary>
    public void Track(RouteChangeMeter meter) => _followed.TryAdd(meter, 0);

    public void Forget(RouteChangeMeter meter) => _followed.TryRemove(meter, out _);

    public void Dispose() => _meter.Dispose();
}
