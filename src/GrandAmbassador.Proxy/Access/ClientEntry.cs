namespace GrandAmbassador.Proxy.Access;

/// <summary>
/// One client address of one name: its open connections and its token bucket. Small and locked on itself: only
/// the connections of that one address contend for it. Once evicted (idle) it is dead, and a client that still
/// holds it takes a fresh entry instead (<see cref="ClientAccess.TryAdmit"/> retries).
/// </summary>
internal sealed class ClientEntry
{
    private readonly Lock _lock = new();
    private int _open;
    private double _tokens = double.NaN;
    private long _refilled;
    private bool _evicted;

    /// <summary>Connections (UDP: sessions) open right now.</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>Takes a connection's place, or says why not; <see langword="null"/>: the entry was evicted meanwhile.</summary>
    public AccessRefusal? TryTake(AccessPolicy policy, long now, TimeProvider time)
    {
        lock (_lock)
        {
            if (_evicted)
            {
                return null;
            }

            if (policy.MaxConnectionsPerClient > 0 && _open >= policy.MaxConnectionsPerClient)
            {
                return AccessRefusal.TooManyConnections;
            }

            if (policy.Rate is { } rate)
            {
                Refill(rate, now, time);
                if (_tokens < 1)
                {
                    return AccessRefusal.RateLimited;
                }

                _tokens--;
            }

            _open++;
            return AccessRefusal.None;
        }
    }

    /// <summary>Gives back the place a closed connection held.</summary>
    public void Release()
    {
        lock (_lock)
        {
            _open--;
        }
    }

    /// <summary>
    /// Evicts the entry if it holds nothing worth keeping: no connection open and a bucket that would be full by now
    /// (a fresh entry starts full, so forgetting it changes nothing for the client).
    /// </summary>
    public bool TryEvictIfIdle(AccessPolicy policy, long now, TimeProvider time)
    {
        lock (_lock)
        {
            if (_open > 0)
            {
                return false;
            }

            if (policy.Rate is { } rate)
            {
                Refill(rate, now, time);
                if (_tokens < rate.Burst)
                {
                    return false;
                }
            }

            _evicted = true;
            return true;
        }
    }

    private void Refill(ConnectionRate rate, long now, TimeProvider time)
    {
        if (double.IsNaN(_tokens))
        {
            _tokens = rate.Burst;
        }
        else
        {
            _tokens = Math.Min(rate.Burst, _tokens + (time.GetElapsedTime(_refilled, now).TotalSeconds * rate.PerSecond));
        }

        _refilled = now;
    }
}
