namespace GrandAmbassador.Proxy.Diagnostics;

/// <summary>One count of one port: added to on the data path without a lock, read when /metrics is scraped.</summary>
internal sealed class MetricCount
{
    private long _value;

    public long Value => Volatile.Read(ref _value);

    public void Add(long amount) => Interlocked.Add(ref _value, amount);
}
