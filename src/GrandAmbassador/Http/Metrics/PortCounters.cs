using System.Collections.Concurrent;

namespace GrandAmbassador.Http.Metrics;

/// <summary>The running totals of one fronted name's port, keyed by the proxy's instrument (and direction).</summary>
internal sealed class PortCounters
{
    private readonly ConcurrentDictionary<string, long> _values = new(StringComparer.Ordinal);

    public void Add(string key, long delta) =>
        _values.AddOrUpdate(key, static (_, delta) => delta, static (_, old, delta) => old + delta, delta);

    public IReadOnlyDictionary<string, long> Read() =>
        _values.ToArray().OrderBy(pair => pair.Key, StringComparer.Ordinal).ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
}
