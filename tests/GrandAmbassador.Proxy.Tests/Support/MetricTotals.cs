using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace GrandAmbassador.Proxy.Tests.Support;

/// <summary>
/// Sums every measurement of the proxy's meter for one service, per instrument (and per direction where tagged).
/// Other tests run in parallel on the same meter name, so each test gives its proxy a service name of its own.
/// </summary>
internal sealed class MetricTotals : IDisposable
{
    private readonly ConcurrentDictionary<string, long> _totals = new();
    private readonly ConcurrentDictionary<string, long> _increments = new();
    private readonly MeterListener _listener = new();

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
                _totals.AddOrUpdate(key, value, (_, total) => total + value);
                if (value > 0)
                {
                    _increments.AddOrUpdate(key, value, (_, total) => total + value);
                }
            }
        });
        _listener.Start();
    }

    /// <summary>A fresh service name and its totals.</summary>
    public static MetricTotals ForNewService() => new($"svc-{Guid.NewGuid():N}");

    public string Service { get; }

    /// <summary>The sum so far; 0 if nothing was recorded. Names are without the <c>grandambassador.proxy.</c> prefix.</summary>
    public long this[string name] => _totals.GetValueOrDefault("grandambassador.proxy." + name);

    /// <summary>The sum of the positive measurements only: e.g. how many sessions ever opened, for an up-down counter.</summary>
    public long Increments(string name) => _increments.GetValueOrDefault("grandambassador.proxy." + name);

    public bool Has(string name) => _totals.ContainsKey("grandambassador.proxy." + name);

    /// <summary>Waits until <paramref name="name"/> sums to <paramref name="value"/>.</summary>
    public Task WaitForAsync(string name, long value) => TestTimeouts.EventuallyAsync(() => this[name] == value);

    public void Dispose() => _listener.Dispose();
}
