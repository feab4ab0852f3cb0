using System.Net.Sockets;
using GrandAmbassador.Proxy.EventLoops;

namespace GrandAmbassador.Proxy.Tcp.Splice;

/// <summary>
/// Moves one direction's bytes through its <see cref="SplicePipe"/> for as long as both sockets let it, without
/// blocking: fill the pipe from the source, drain it into the destination, again, until one of them has to be
/// waited for, or the direction ends.
/// </summary>
internal static class SplicePump
{
    /// <param name="moved">Bytes that reached the destination during this run.</param>
    /// <param name="errno">The error behind <see cref="SpliceOutcome.SourceFailed"/> or <see cref="SpliceOutcome.DestinationFailed"/>.</param>
    public static SpliceOutcome Run(SplicePipe pipe, Socket source, Socket destination, out long moved, out int errno)
    {
        // The references keep the descriptors from being closed (and their numbers reused) during the run: a concurrent
        // Dispose of a socket waits for it. On a disposed socket AddRef throws ObjectDisposedException.
        var sourceHandle = source.SafeHandle;
        var destinationHandle = destination.SafeHandle;
        var (sourceAdded, destinationAdded) = (false, false);
        try
        {
            sourceHandle.DangerousAddRef(ref sourceAdded);
            destinationHandle.DangerousAddRef(ref destinationAdded);
            return Run(pipe, (int)sourceHandle.DangerousGetHandle(), (int)destinationHandle.DangerousGetHandle(), out moved, out errno);
        }
        finally
        {
            if (sourceAdded)
            {
                sourceHandle.DangerousRelease();
            }

            if (destinationAdded)
            {
                destinationHandle.DangerousRelease();
            }
        }
    }

    /// <summary>The same on raw descriptors, which the caller keeps open for the run (the event loop's relays).</summary>
    /// <param name="untilEmpty">
    /// Pump until a splice finds the source empty (EAGAIN), never stopping at a short fill: an edge-triggered wait gets
    /// no new edge for bytes already queued, and a short splice does not mean none are (a non-blocking splice stops when
    /// the pipe runs out of slots, which a network's 1.5 KB segments do long before its bytes run out).
    /// </param>
    public static SpliceOutcome Run(SplicePipe pipe, int source, int destination, out long moved, out int errno, bool untilEmpty = false)
    {
        moved = 0;
        errno = 0;
        while (true)
        {
            var filled = 0L;
            if (pipe.Held == 0)
            {
                filled = pipe.Fill(source, pipe.Size, out errno);
                if (filled < 0)
                {
                    return errno == LoopNative.EAGAIN ? SpliceOutcome.SourceDrained
                        : SpliceErrors.MeansUnsupported(errno) ? SpliceOutcome.Unsupported
                        : SpliceOutcome.SourceFailed;
                }

                if (filled == 0)
                {
                    return SpliceOutcome.EndOfStream;
                }
            }

            var drained = pipe.Drain(destination, pipe.Held, out errno);
            if (drained < 0)
            {
                return errno == LoopNative.EAGAIN ? SpliceOutcome.DestinationFull : SpliceOutcome.DestinationFailed;
            }

            moved += drained;
            if (!untilEmpty && pipe.Held == 0 && filled > 0 && filled < pipe.Size)
            {
                // Less than asked for: the source is most likely empty, and the wait costs what a failed splice would.
                return SpliceOutcome.SourceDrained;
            }
        }
    }
}
