using System.Collections.Concurrent;

namespace GrandAmbassador.Bench.Scale.Cluster;

/// <summary>Grain calls counted by <see cref="CountingCallFilter"/> on every silo, per interface method.</summary>
internal sealed class CallCounts
{
    private readonly ConcurrentDictionary<string, MethodCount> _methods = new(StringComparer.Ordinal);

    public void Add(string method, bool oneWay, long requestBytes, long responseBytes) =>
        _methods.GetOrAdd(method, static _ => new MethodCount()).Add(oneWay, requestBytes, responseBytes);

    /// <summary>A copy of the counts now; subtract two to get a window.</summary>
    public IReadOnlyDictionary<string, MethodTotals> Snapshot() =>
        _methods.ToDictionary(pair => pair.Key, pair => pair.Value.Totals(), StringComparer.Ordinal);

    private sealed class MethodCount
    {
        private long _calls;
        private long _responses;
        private long _requestBytes;
        private long _responseBytes;

        public void Add(bool oneWay, long requestBytes, long responseBytes)
        {
            Interlocked.Increment(ref _calls);
            Interlocked.Add(ref _requestBytes, requestBytes);
            if (!oneWay)
            {
                Interlocked.Increment(ref _responses);
                Interlocked.Add(ref _responseBytes, responseBytes);
            }
        }

        public MethodTotals Totals() => new(
            Interlocked.Read(ref _calls), Interlocked.Read(ref _responses), Interlocked.Read(ref _requestBytes), Interlocked.Read(ref _responseBytes));
    }
}

/// <summary>Calls of one method, the responses they got (one-way calls get none), and the serialized bytes of both.</summary>
internal sealed record MethodTotals(long Calls, long Responses, long RequestBytes, long ResponseBytes)
{
    public static MethodTotals Zero { get; } = new(0, 0, 0, 0);

    /// <summary>Messages on the wire: each call, and each response.</summary>
    public long Messages => Calls + Responses;

    public long Bytes => RequestBytes + ResponseBytes;

    public MethodTotals Minus(MethodTotals before) =>
        new(Calls - before.Calls, Responses - before.Responses, RequestBytes - before.RequestBytes, ResponseBytes - before.ResponseBytes);

    /// <summary>Whether <paramref name="method"/> is one of the product's grains' (not Orleans' own pings and statistics).</summary>
    public static bool IsProduct(string method) => method.StartsWith("GrandAmbassador.", StringComparison.Ordinal);

    public static IReadOnlyDictionary<string, MethodTotals> Window(IReadOnlyDictionary<string, MethodTotals> before, IReadOnlyDictionary<string, MethodTotals> after) =>
        after.ToDictionary(pair => pair.Key, pair => pair.Value.Minus(before.GetValueOrDefault(pair.Key) ?? Zero), StringComparer.Ordinal)
            .Where(pair => pair.Value.Calls > 0)
            .ToDictionary(StringComparer.Ordinal);
}
