using System.Diagnostics.Metrics;

namespace GrandAmbassador.Ambassador;

/// <summary>
/// The followers' instruments on the <c>GrandAmbassador.Ambassador</c> meter: how often a name's routes
/// change, and how long after a container started its route was in place.
/// </summary>
internal sealed class AmbassadorMetrics : IDisposable
{
    public const string MeterName = "GrandAmbassador.Ambassador";

    private readonly Meter _meter = new(MeterName);

    public AmbassadorMetrics()
    {
        RouteChanges = _meter.CreateCounter<long>("grand_ambassador.route.changes", "{change}", "Snapshots of a name's endpoints applied to its proxy.");
        RouteDelay = _meter.CreateHistogram<double>(
            "grand_ambassador.route.delay", "s",
            "From a container's start (Docker's start event time, StartedAt) to its route being applied here.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
    }

    public Counter<long> RouteChanges { get; }

    public Histogram<double> RouteDelay { get; }

    public void Dispose() => _meter.Dispose();
}
