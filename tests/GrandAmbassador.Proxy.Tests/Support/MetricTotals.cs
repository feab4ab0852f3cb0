using System.Diagnostics.Metrics;

namespace GrandAmbassador.Proxy.Tests.Support;

/// <summary>
/// The proxy's observable instruments as a reader sees them for one service: each read collects them afresh and
/// sums the service's series per instrument (and per direction or reason where tagged). Other tests run in
/// parallel on the same meter name, so each test gives its proxy a service name of its own.
/// </summary>
internal sealed class MetricTotals : IDisposable
{
    private readonly Lock _collecting = new();
    private readonly MeterListener _listener = new();
    private Dictionary<string, long> _collection = [];

    public MetricTotals(string service)
    {
        Service = service;
        _listener.InstrumentPublished = (instrument, meterListener) =>
        {
            if (instrument.Meter.Name == "GrandAmbassador.Proxy")
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? serviceTag = null;
            string? qualifier = null;
            foreach (var tag in tags)
            {
                serviceTag = tag.Key == "name" ? tag.Value as string : serviceTag;
                qualifier = tag.Key is "direction" or "reason" ? tag.Value as string : qualifier;
            }

            if (serviceTag == service)
            {
                var key = qualifier is null ? instrument.Name : $"{instrument.Name}/{qualifier}";
                _collection[key] = _collection.GetValueOrDefault(key) + value;
            }
        });
        _listener.Start();
    }

    /// <summary>A fresh service name and its totals.</summary>
    public static MetricTotals ForNewService() => new($"svc-{Guid.NewGuid():N}");

    public string Service { get; }

    /// <summary>The total now, over the service's open ports; 0 if none reports it. Names are without the <c>grandambassador.proxy.</c> prefix.</summary>
    public long this[string name] => Collect().GetValueOrDefault("grandambassador.proxy." + name);

    /// <summary>Whether an open port of the service reports <paramref name="name"/> at all.</summary>
    public bool Has(string name) => Collect().ContainsKey("grandambassador.proxy." + name);

    /// <summary>Waits until <paramref name="name"/> sums to <paramref name="value"/>.</summary>
    public Task WaitForAsync(string name, long value) => TestTimeouts.EventuallyAsync(() => this[name] == value);

    public void Dispose() => _listener.Dispose();

    private Dictionary<string, long> Collect()
    {
        lock (_collecting)
        {
            _collection = [];
            _listener.RecordObservableInstruments();
            return _collection;
        }
    }
}
