using System.Buffers;
using GrandAmbassador.Proxy.EventLoops;
using GrandAmbassador.Proxy.Tcp.Splice;

namespace GrandAmbassador.Proxy.Tcp.Loop;

/// <summary>
/// One direction of a <see cref="LoopRelay"/>: what it reads from, what it writes to, and what it could not write yet.
/// It is also the handler of its source's descriptor: that descriptor's readable events are this direction's, its
/// writable events the opposite direction's (whose destination it is). Touched on its loop's thread only, except for
/// the figures the timeout sweep reads.
/// </summary>
internal sealed class LoopDirection : IDirectionCopier, ILoopHandler
{
    private readonly LoopRelay _relay;
    private long _total;
    private volatile bool _busy;

    public LoopDirection(LoopRelay relay, int splicePipeSize)
    {
        _relay = relay;
        SplicePipeSize = splicePipeSize;
    }

    /// <summary>The descriptor read; set when the relay registers (<see cref="Attach"/>).</summary>
    public int Source { get; private set; } = -1;

    /// <summary>The descriptor written; set when the relay registers.</summary>
    public int Destination { get; private set; } = -1;

    /// <summary>The registration of <see cref="Source"/> with the loop; default once removed.</summary>
    public LoopRegistration Registration { get; set; }

    /// <summary>The other direction: its destination is this one's source.</summary>
    public LoopDirection Opposite { get; set; } = null!;

    /// <summary>Bytes read but not yet taken by the destination, kept (rented) only while the destination is full.</summary>
    public byte[]? Pending { get; private set; }

    public int PendingOffset { get; set; }

    public int PendingCount { get; private set; }

    /// <summary>The source may have more to read: it became readable while the destination was full, or its last read filled the buffer.</summary>
    public bool SourceMayHaveMore { get; set; }

    /// <summary>
    /// An edge of the source said it is closing (FIN, reset): read it to its end rather than stop at a short read, since
    /// no later edge will come for what is already there.
    /// </summary>
    public bool SourceClosing { get; set; }

    /// <summary>The source sent FIN; passed on once <see cref="Pending"/> has been sent.</summary>
    public bool SourceEnded { get; set; }

    /// <summary>The pipe size to ask for once the direction moves bulk data; 0 once asked (or never to splice).</summary>
    public int SplicePipeSize { get; set; }

    public SplicePipe? Pipe { get; set; }

    public bool Done { get; private set; }

    public object? UserToken { get; set; }

    public long BytesCopied => Volatile.Read(ref _total);

    /// <summary>True while the direction waits for its source (or has ended); false while its destination holds it up.</summary>
    public bool IsWaiting => !_busy;

    public bool Spliced { get; set; }

    public CopyResult Result { get; private set; }

    /// <summary>The descriptors, once the relay holds them.</summary>
    public void Attach(int source, int destination) => (Source, Destination) = (source, destination);

    /// <summary>Either direction's start starts the relay (both directions share one registration step).</summary>
    public void Start() => _relay.Start();

    public void OnEvents(uint events) => _relay.OnEvents(this, events);

    public void Moved(long bytes) => Volatile.Write(ref _total, _total + bytes);

    /// <summary>Keeps what the destination did not take: only the remainder, in a buffer of its size.</summary>
    public void Keep(ReadOnlySpan<byte> remainder)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(remainder.Length);
        remainder.CopyTo(buffer);
        Pending = buffer;
        PendingOffset = 0;
        PendingCount = remainder.Length;
        _busy = true;
    }

    /// <summary>Reads up to <paramref name="most"/> bytes of what <paramref name="pipe"/> holds into <see cref="Pending"/>, to be sent as a copy loop's remainder.</summary>
    public void TakeFromPipe(SplicePipe pipe, int most)
    {
        var length = Math.Min(pipe.Held, most);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        PendingCount = pipe.ReadInto(buffer.AsSpan(0, length));
        PendingOffset = 0;
        Pending = buffer;
        _busy = true;
    }

    /// <summary><paramref name="sent"/> more of <see cref="Pending"/> were taken; says whether all of it now has been.</summary>
    public bool Took(int sent)
    {
        PendingOffset += sent;
        PendingCount -= sent;
        if (PendingCount > 0)
        {
            return false;
        }

        ReturnPending();
        return true;
    }

    public void Complete(CopyResult result)
    {
        ReturnPending();
        Pipe?.Dispose();
        Pipe = null;
        Done = true;
        _busy = false;
        Result = result;
    }

    public void Dispose()
    {
        // Nothing of its own to free: the relay returns buffers and closes pipes when a direction completes.
    }

    private void ReturnPending()
    {
        if (Pending is { } buffer)
        {
            Pending = null;
            PendingCount = 0;
            ArrayPool<byte>.Shared.Return(buffer);
        }

        _busy = false;
    }
}
