using GrandAmbassador.Proxy.EventLoops;

namespace GrandAmbassador.Proxy.Tcp.Splice;

/// <summary>
/// A non-blocking pipe through which one direction of a connection moves data with splice(2): from the source
/// socket into the pipe, from the pipe into the destination socket, without copying it through user space.
/// Owned by one <see cref="SocketCopier"/>, which never calls it from two threads at once; closed when its
/// direction ends.
/// </summary>
internal sealed unsafe class SplicePipe : IDisposable
{
    private int _read;
    private int _write;

    private SplicePipe(int read, int write, int size)
    {
        _read = read;
        _write = write;
        Size = size;
    }

    /// <summary>The pipe's capacity in bytes: the most one fill asks for.</summary>
    public int Size { get; }

    /// <summary>Bytes in the pipe: filled from the source and not yet drained or read out.</summary>
    public int Held { get; private set; }

    /// <summary>A new pipe of about <paramref name="size"/> bytes, or <see langword="null"/> if none can be had (e.g. out of descriptors).</summary>
    public static SplicePipe? TryCreate(int size)
    {
        var fds = stackalloc int[2];
        if (LoopNative.Pipe2(fds, LoopNative.ONonBlock | LoopNative.OCloExec) != 0)
        {
            return null;
        }

        // Larger pipes take more per call; refused above /proc/sys/fs/pipe-max-size (or the user's pipe quota), which
        // leaves the pipe as it was (64 KiB by default).
        var actual = LoopNative.Fcntl(fds[1], LoopNative.FSetPipeSize, size);
        if (actual <= 0)
        {
            actual = Math.Max(LoopNative.Fcntl(fds[1], LoopNative.FGetPipeSize, 0), 4096);
        }

        return new SplicePipe(fds[0], fds[1], actual);
    }

    /// <summary>Moves up to <paramref name="length"/> bytes from the socket <paramref name="source"/> into the pipe.</summary>
    /// <returns>The bytes moved, 0 at end of stream, or -1 with <paramref name="errno"/> set (EAGAIN: nothing to read).</returns>
    public long Fill(int source, int length, out int errno)
    {
        var moved = Move(source, _write, length, out errno);
        Held += (int)Math.Max(moved, 0);
        return moved;
    }

    /// <summary>Moves up to <paramref name="length"/> bytes from the pipe into the socket <paramref name="destination"/>.</summary>
    /// <returns>The bytes moved, or -1 with <paramref name="errno"/> set (EAGAIN: the destination's send buffer is full).</returns>
    public long Drain(int destination, int length, out int errno)
    {
        var moved = Move(_read, destination, length, out errno);
        Held -= (int)Math.Max(moved, 0);
        return moved;
    }

    /// <summary>Reads what is in the pipe into <paramref name="buffer"/>: for a destination that takes no more for now.</summary>
    public int ReadInto(Span<byte> buffer)
    {
        fixed (byte* start = buffer)
        {
            while (true)
            {
                var read = LoopNative.Read(_read, start, (nuint)buffer.Length);
                if (read >= 0)
                {
                    Held -= (int)read;
                    return (int)read;
                }

                var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                if (errno != LoopNative.EINTR)
                {
                    throw LoopErrors.Exception(errno);
                }
            }
        }
    }

    public void Dispose()
    {
        if (_read >= 0)
        {
            _ = LoopNative.Close(_read);
            _ = LoopNative.Close(_write);
            _read = _write = -1;
        }
    }

    private static long Move(int from, int to, int length, out int errno)
    {
        while (true)
        {
            var moved = LoopNative.Splice(from, 0, to, 0, (nuint)length, LoopNative.SpliceMoveNonBlock);
            errno = moved < 0 ? System.Runtime.InteropServices.Marshal.GetLastPInvokeError() : 0;
            if (errno != LoopNative.EINTR)
            {
                return moved;
            }
        }
    }
}
