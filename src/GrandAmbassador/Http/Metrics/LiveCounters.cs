using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using GrandAmbassador.Proxy.Diagnostics;

namespace GrandAmbassador.Http.Metrics;

/// <summary>
/// Totals of the proxy's instruments per name and port, for the page and <c>/api/names</c> (Prometheus
/// gets the same instruments through OpenTelemetry). The instruments are observable: each read collects
/// them afresh (the ports open now, each series' total so far), so a closed port or a removed name is simply
/// absent. Listens to every instrument of the proxy's meter, so counters the proxy adds later show up
/// without a change here.
/// </summary>
internal sealed class LiveCounters : IDisposable
{
    private const string InstrumentPrefix = "grandambassador.proxy.";
    private readonly Lock _collecting = new();
    private readonly MeterListener _listener = new();

    /// <summary>Filled by the callbacks during one <see cref="MeterListener.RecordObservableInstruments"/>; null otherwise.</summary>
    private Dictionary<(string Name, string Port), PortCounters>? _collection;

    public LiveCounters()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ProxyMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument, new InstrumentKeys(instrument.Name));
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, state) => OnMeasurement(instrument, value, tags, state));
        _listener.Start();
    }

    /// <summary>
    /// The counters of every open port, by name and then port ("8080/tcp"): one collection of every instrument,
    /// so a request that shows many names reads them once.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>>> ReadAll()
    {
        lock (_collecting)
        {
            _collection = [];
            try
            {
                // Calls OnMeasurement on this thread, once per series, before it returns.
                _listener.RecordObservableInstruments();
                return _collection
                    .GroupBy(pair => pair.Key.Name, StringComparer.Ordinal)
                    .ToDictionary(
                        group => group.Key,
                        group => (IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>>)group
                            .OrderBy(pair => pair.Key.Port, StringComparer.Ordinal)
                            .ToDictionary(pair => pair.Key.Port, pair => pair.Value.Read(), StringComparer.Ordinal),
                        StringComparer.Ordinal);
            }
            finally
            {
                _collection = null;
            }
        }
    }

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        string? name = null, port = null, direction = null;
        foreach (var tag in tags)
        {
            switch (tag.Key)
            {
                case "name":
                    name = tag.Value as string;
                    break;
                case "port":
                    port = tag.Value as string;
                    break;
                case "direction":
                    direction = tag.Value as string;
                    break;
            }
        }

        if (_collection is null || name is null || port is null || state is not InstrumentKeys keys)
        {
            return;
        }

        // Series that differ only by a reason (idle, half_close) add up under one key.
        if (!_collection.TryGetValue((name, port), out var counters))
        {
            _collection[(name, port)] = counters = new PortCounters();
        }

        counters.Add(keys.For(direction), value);
    }

    /// <summary>The page's key for an instrument ("connections.active", "bytes.upstream"), built once.</summary>
    private sealed class InstrumentKeys(string instrumentName)
    {
        private readonly string _plain = instrumentName.StartsWith(InstrumentPrefix, StringComparison.Ordinal)
            ? instrumentName[InstrumentPrefix.Length..]
            : instrumentName;

        private readonly ConcurrentDictionary<string, string> _byDirection = new(StringComparer.Ordinal);

        public string For(string? direction) =>
            direction is null ? _plain : _byDirection.GetOrAdd(direction, static (direction, plain) => $"{plain}.{direction}", _plain);
    }
}
