namespace GrandAmbassador.Proxy.Routing;

/// <summary>
/// The live routing state of one port: the current snapshot, swapped atomically, and the round-robin
/// cursor. Readers on the data path take one volatile read and never lock.
/// </summary>
internal sealed class PortRouter
{
    private RouteSnapshot _current;
    private uint _cursor;

    public PortRouter(RouteSnapshot initial) => _current = initial;

    public RouteSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Swaps in <paramref name="next"/> and wakes everything waiting on the previous snapshot.</summary>
    public void Update(RouteSnapshot next) => Interlocked.Exchange(ref _current, next).MarkReplaced();

    /// <summary>Where to start the next search for a destination, so that new connections rotate.</summary>
    public int NextStart(int count)
    {
        // Unsigned so that the wrap at 2^32 stays non-negative; the skew it causes once is harmless.
        return (int)((Interlocked.Increment(ref _cursor) - 1) % (uint)count);
    }
}
