using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Proxy.Limits;

/// <summary>
/// A process-wide bound on what waits for a destination: at most <c>maxCount</c> flows and <c>maxBytes</c> held
/// bytes. Past either bound the oldest flows are evicted first, as the newest clients are the likeliest still to
/// be there when the destination comes back. Only the hold path (no destination yet) takes its lock.
/// </summary>
internal sealed class HeldFlows
{
    private readonly LinkedList<HeldFlow> _oldestFirst = new();
    private readonly string _what;
    private readonly int _maxCount;
    private readonly long _maxBytes;
    private readonly ILogger _logger;
    private long _bytes;
    private int _evicting;

    /// <summary>A bound of <paramref name="maxCount"/> flows and <paramref name="maxBytes"/> bytes; <paramref name="what"/> names them in logs.</summary>
    public HeldFlows(string what, int maxCount, long maxBytes, ILogger logger)
    {
        _what = what;
        _maxCount = maxCount;
        _maxBytes = maxBytes;
        _logger = logger;
    }

    public int Count
    {
        get
        {
            lock (_oldestFirst)
            {
                return _oldestFirst.Count;
            }
        }
    }

    /// <summary>Read under the lock: between an addition and its evictions the sum is briefly above the bound.</summary>
    public long Bytes
    {
        get
        {
            lock (_oldestFirst)
            {
                return _bytes;
            }
        }
    }

    /// <summary>Starts tracking <paramref name="flow"/> as the newest held flow, evicting the oldest if that is one too many.</summary>
    public void Enter(HeldFlow flow)
    {
        List<HeldFlow>? evicted;
        lock (_oldestFirst)
        {
            flow.Node = _oldestFirst.AddLast(flow);
            evicted = TakeOverflow();
        }

        Evict(evicted);
    }

    /// <summary>Adds <paramref name="bytes"/> to what <paramref name="flow"/> holds; may evict it or older flows.</summary>
    public void Add(HeldFlow flow, long bytes)
    {
        List<HeldFlow>? evicted;
        lock (_oldestFirst)
        {
            if (flow.Node is null)
            {
                return;
            }

            flow.Bytes += bytes;
            _bytes += bytes;
            evicted = TakeOverflow();
        }

        Evict(evicted);
    }

    /// <summary>Stops tracking <paramref name="flow"/> (it found a destination, gave up, or closed); evicted flows are already gone.</summary>
    public void Leave(HeldFlow flow)
    {
        bool below;
        lock (_oldestFirst)
        {
            if (flow.Node is not { } node)
            {
                return;
            }

            _oldestFirst.Remove(node);
            flow.Node = null;
            _bytes -= flow.Bytes;

            // The episode ends with some headroom, so that a flow count hovering at the bound logs once, not per flow.
            below = _oldestFirst.Count <= _maxCount - (_maxCount / 10) && _bytes <= _maxBytes - (_maxBytes / 10);
        }

        if (below && Volatile.Read(ref _evicting) == 1 && Interlocked.Exchange(ref _evicting, 0) == 1)
        {
            LimitsLog.HeldBoundLeft(_logger, _what);
        }
    }

    /// <summary>Under the lock, in the same hold as the addition: the bounds are never seen exceeded.</summary>
    private List<HeldFlow>? TakeOverflow()
    {
        List<HeldFlow>? evicted = null;
        while (_oldestFirst.Count > 0 && (_oldestFirst.Count > _maxCount || _bytes > _maxBytes))
        {
            var oldest = _oldestFirst.First!.Value;
            _oldestFirst.RemoveFirst();
            oldest.Node = null;
            _bytes -= oldest.Bytes;
            (evicted ??= []).Add(oldest);
        }

        return evicted;
    }

    /// <summary>Outside the lock: an eviction closes a flow, which may take that flow's own lock.</summary>
    private void Evict(List<HeldFlow>? evicted)
    {
        if (evicted is null)
        {
            return;
        }

        if (Interlocked.Exchange(ref _evicting, 1) == 0)
        {
            LimitsLog.HeldBoundReached(_logger, _what, _maxCount < int.MaxValue ? $"{_maxCount} connections" : $"{_maxBytes} bytes");
        }

        foreach (var flow in evicted)
        {
            flow.Counts.HeldEvicted.Add(1);
            flow.Evict();
        }
    }
}
