namespace GrandAmbassador.Docker.Watching;

/// <summary>
/// Numbers everything the agent learns, in the order it learns it, so that the grain can tell a
/// late report of an older state from a newer one. It starts from this host's clock when the
/// process starts, so a restarted agent numbers after its predecessor on the same host; it is
/// never compared with another host's.
/// </summary>
internal sealed class AgentSequence(TimeProvider time)
{
    private long _last = time.GetUtcNow().UtcTicks;

    public long Next() => Interlocked.Increment(ref _last);
}
