using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Proxy.EventLoops;

/// <summary>
/// The process's event loops, one per core unless configured, made on first use and kept for the process's life, as
/// .NET keeps its own socket engine threads. Connections are spread over them in turn.
/// </summary>
internal sealed class EventLoopGroup
{
    private static readonly Lock Creation = new();
    private static EventLoopGroup? s_shared;
    private static bool s_failed;
    private readonly EventLoop[] _loops;
    private uint _next;

    private EventLoopGroup(EventLoop[] loops) => _loops = loops;

    public int Count => _loops.Length;

    /// <summary>
    /// The process's loops, made by the first caller with its count and buffer size; <see langword="null"/> (with a
    /// warning, once) where the path is not available.
    /// </summary>
    public static EventLoopGroup? Shared(int count, int bufferSize, ILogger logger)
    {
        if (Volatile.Read(ref s_shared) is { } made)
        {
            return made;
        }

        lock (Creation)
        {
            if (s_shared is not null)
            {
                return s_shared;
            }

            if (s_failed)
            {
                return null;
            }

            if (EventLoopSupport.Unavailable is { } reason)
            {
                s_failed = true;
                LoopLog.Unavailable(logger, reason);
                return null;
            }

            var loops = new EventLoop[count];
            try
            {
                for (var i = 0; i < count; i++)
                {
                    loops[i] = EventLoop.Create(bufferSize, i, logger);
                }
            }
            catch (InvalidOperationException ex)
            {
                // Out of descriptors at start-up, for instance: the sockets path serves instead, said once. A loop made
                // before the failure stays idle on its thread (it has nothing registered).
                s_failed = true;
                LoopLog.Unavailable(logger, ex.Message);
                return null;
            }

            LoopLog.Started(logger, count);
            Volatile.Write(ref s_shared, new EventLoopGroup(loops));
            return s_shared;
        }
    }

    /// <summary>
    /// The loop for a new connection or connect: the caller's own when it runs on one of them (a connect that completed
    /// there goes on to its relay there, with nothing to post), else the next in turn.
    /// </summary>
    public EventLoop Next() =>
        EventLoop.Current is { } current && Array.IndexOf(_loops, current) >= 0
            ? current
            : _loops[Interlocked.Increment(ref _next) % (uint)_loops.Length];
}
