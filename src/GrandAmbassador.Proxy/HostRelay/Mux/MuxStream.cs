using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace GrandAmbassador.Proxy.HostRelay.Mux;

/// <summary>
/// One relayed connection on a <see cref="MuxLink"/>, as a <see cref="Stream"/> with a socket's endings: a FIN each way
/// (<see cref="ShutdownSend"/>; reads return 0 after the peer's), a reset both ways (<see cref="Reset"/>; the peer's makes
/// reads and writes fail as a reset socket's would). A zero-byte read waits for data without taking any, as on a socket.
/// </summary>
internal sealed class MuxStream : Stream
{
    private static readonly IOException PeerReset = new("The relayed connection was reset.", new SocketException((int)SocketError.ConnectionReset));
    private static readonly IOException LocalReset = new("The relayed connection was aborted.", new SocketException((int)SocketError.OperationAborted));

    private readonly MuxLink _link;
    private readonly object _gate = new();
    private readonly Queue<(byte[] Buffer, int Count)> _received = new();
    private readonly TaskCompletionSource<RelayReply> _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Completed synchronously, on the link's read loop: the waiting copier then sends to its socket on that thread (as
    // the proxy's copiers do on the socket's own completion) instead of waking a thread-pool worker per frame, which
    // cost more CPU than the relay itself. Never completed under a lock.
    private TaskCompletionSource? _readable;
    private TaskCompletionSource? _writable;
    // How much of the queue's first buffer a read has taken already.
    private int _headTaken;
    // Bytes received and not yet read: a peer that sends past its window is broken (or hostile), not buffered for.
    private int _queued;
    private CancellationTokenSource? _abandoned;
    private int _sendWindow = MuxLink.InitialWindow;
    private int _consumedSinceGrant;
    private bool _remoteFin;
    private bool _localFin;
    private bool _receiveClosed;
    private IOException? _broken;

    public MuxStream(MuxLink link, uint id)
    {
        _link = link;
        Id = id;
    }

    public uint Id { get; }

    /// <summary>Cancelled once the stream is reset or its link fails: what the relay's work for the stream waits with.</summary>
    public CancellationToken Abandoned
    {
        get
        {
            lock (_gate)
            {
                return _broken is not null ? new CancellationToken(canceled: true) : (_abandoned ??= new CancellationTokenSource()).Token;
            }
        }
    }

    /// <summary>The relay's go or refusal (the ambassador's side).</summary>
    public Task<RelayReply> Reply => _reply.Task;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>The relay's side: says go or why not.</summary>
    public void SendReply(RelayReply reply)
    {
        var reason = Encoding.UTF8.GetBytes(reply.Reason);
        var payload = new byte[1 + Math.Min(reason.Length, MuxLink.MaxData)];
        payload[0] = (byte)reply.Verdict;
        reason.AsSpan(0, payload.Length - 1).CopyTo(payload.AsSpan(1));
        _link.Send(Id, MuxFrameType.Reply, payload);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task wait;
            var read = 0;
            var grant = 0;
            lock (_gate)
            {
                if (_broken is not null)
                {
                    throw _broken;
                }

                if (_received.Count > 0)
                {
                    if (buffer.IsEmpty)
                    {
                        return 0;
                    }

                    read = Take(buffer.Span);
                    _consumedSinceGrant += read;
                    if (_consumedSinceGrant >= MuxLink.InitialWindow / 2)
                    {
                        grant = _consumedSinceGrant;
                        _consumedSinceGrant = 0;
                    }
                }
                else if (_remoteFin || _receiveClosed)
                {
                    return 0;
                }

                wait = read > 0 ? Task.CompletedTask : (_readable ??= new TaskCompletionSource()).Task;
            }

            if (read > 0)
            {
                if (grant > 0)
                {
                    GrantWindow(grant);
                }

                return read;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            Task? wait = null;
            var chunk = 0;
            lock (_gate)
            {
                if (_broken is not null)
                {
                    throw _broken;
                }

                if (_localFin)
                {
                    throw new IOException("The relayed connection was shut down for sending.", new SocketException((int)SocketError.Shutdown));
                }

                if (_sendWindow > 0)
                {
                    chunk = Math.Min(Math.Min(buffer.Length, _sendWindow), MuxLink.MaxData);
                    _sendWindow -= chunk;
                }
                else
                {
                    wait = (_writable ??= new TaskCompletionSource()).Task;
                }
            }

            if (wait is not null)
            {
                await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            _link.Send(Id, MuxFrameType.Data, buffer.Span[..chunk]);
            buffer = buffer[chunk..];
        }
    }

    /// <summary>A FIN: the peer reads end-of-stream; it may go on sending to us.</summary>
    public void ShutdownSend()
    {
        lock (_gate)
        {
            if (_localFin || _broken is not null)
            {
                return;
            }

            _localFin = true;
        }

        _link.TrySend(Id, MuxFrameType.Fin, []);
        ForgetIfDone();
    }

    /// <summary>
    /// A FIN and the end of our reads (as <c>shutdown(SHUT_RDWR)</c>): pending and later reads return end-of-stream. What
    /// the peer still sends is dropped, its window granted back so that it is never left waiting.
    /// </summary>
    public void ShutdownBoth()
    {
        TaskCompletionSource? readable;
        int dropped;
        lock (_gate)
        {
            _receiveClosed = true;
            dropped = DropReceived();
            readable = _readable;
            _readable = null;
        }

        readable?.TrySetResult();
        if (dropped > 0)
        {
            GrantWindow(dropped);
        }

        ShutdownSend();
    }

    /// <summary>A reset both ways: the peer's reads and writes fail, and so do ours.</summary>
    public void Reset()
    {
        if (Break(LocalReset))
        {
            _link.TrySend(Id, MuxFrameType.Reset, []);
        }
    }

    internal void OnData(byte[] payload, int length)
    {
        TaskCompletionSource? readable = null;
        var overflow = false;
        lock (_gate)
        {
            if (_broken is not null || _receiveClosed)
            {
                ArrayPool<byte>.Shared.Return(payload);
                if (_broken is null)
                {
                    GrantWindowLater(length);
                }

                return;
            }

            if (_queued + length > MuxLink.InitialWindow)
            {
                overflow = true;
            }
            else
            {
                _queued += length;
                _received.Enqueue((payload, length));
                readable = _readable;
                _readable = null;
            }
        }

        if (overflow)
        {
            // Past the window: the peer is not following the protocol; the stream is reset, the data dropped.
            ArrayPool<byte>.Shared.Return(payload);
            Reset();
            return;
        }

        readable?.TrySetResult();
    }

    internal void OnReply(ReadOnlySpan<byte> payload) =>
        _reply.TrySetResult(payload.IsEmpty
            ? new RelayReply(RelayVerdict.BadRequest, "the relay sent an empty reply")
            : new RelayReply((RelayVerdict)payload[0], Encoding.UTF8.GetString(payload[1..])));

    internal void OnFin()
    {
        TaskCompletionSource? readable;
        lock (_gate)
        {
            _remoteFin = true;
            readable = _readable;
            _readable = null;
        }

        readable?.TrySetResult();
        ForgetIfDone();
    }

    internal void OnReset() => Break(PeerReset);

    internal void OnLinkFailed() => Break(PeerReset);

    internal void OnWindow(int increment)
    {
        TaskCompletionSource? writable;
        lock (_gate)
        {
            _sendWindow = (int)Math.Min((long)_sendWindow + increment, int.MaxValue);
            writable = _writable;
            _writable = null;
        }

        writable?.TrySetResult();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            bool finished;
            lock (_gate)
            {
                finished = _localFin && _remoteFin;
            }

            if (finished)
            {
                Break(LocalReset);
            }
            else
            {
                Reset();
            }
        }

        base.Dispose(disposing);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
        // Frames are flushed by the link as they are queued.
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Ends the stream both ways with <paramref name="error"/>; says whether this call was the one that did.</summary>
    private bool Break(IOException error)
    {
        TaskCompletionSource? readable;
        TaskCompletionSource? writable;
        lock (_gate)
        {
            if (_broken is not null)
            {
                return false;
            }

            _broken = error;
            DropReceived();
            readable = _readable;
            writable = _writable;
            _readable = null;
            _writable = null;
        }

        readable?.TrySetResult();
        writable?.TrySetResult();
        CancelAbandoned();

        // A stream that ends before the relay's reply: the dialer reads a failed link, not a refusal. Observed here,
        // since only the ambassador's side ever awaits a reply.
        if (_reply.TrySetException(error))
        {
            _ = _reply.Task.Exception;
        }

        _link.Forget(Id);
        return true;
    }

    /// <summary>Copies queued data into <paramref name="destination"/>; the caller holds the gate.</summary>
    private int Take(Span<byte> destination)
    {
        var read = 0;
        while (read < destination.Length && _received.TryPeek(out var segment))
        {
            var count = Math.Min(segment.Count - _headTaken, destination.Length - read);
            segment.Buffer.AsSpan(_headTaken, count).CopyTo(destination[read..]);
            read += count;
            _headTaken += count;
            _queued -= count;
            if (_headTaken == segment.Count)
            {
                _received.Dequeue();
                _headTaken = 0;
                ArrayPool<byte>.Shared.Return(segment.Buffer);
            }
        }

        return read;
    }

    /// <summary>Returns every queued buffer to the pool; the caller holds the gate. Says how many unread bytes were dropped.</summary>
    private int DropReceived()
    {
        var dropped = -_headTaken;
        _headTaken = 0;
        _queued = 0;
        while (_received.TryDequeue(out var segment))
        {
            dropped += segment.Count;
            ArrayPool<byte>.Shared.Return(segment.Buffer);
        }

        return Math.Max(dropped, 0);
    }

    private void GrantWindow(int bytes)
    {
        Span<byte> payload = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, (uint)bytes);
        _link.TrySend(Id, MuxFrameType.Window, payload);
    }

    // Called under the gate: the frame is queued outside it (Send takes the link's own gate, never ours).
    private void GrantWindowLater(int bytes) => ThreadPool.UnsafeQueueUserWorkItem(static state => state.Stream.GrantWindow(state.Bytes), (Stream: this, Bytes: bytes), preferLocal: true);

    private void CancelAbandoned()
    {
        CancellationTokenSource? abandoned;
        lock (_gate)
        {
            abandoned = _abandoned;
        }

        try
        {
            abandoned?.Cancel();
        }
        catch (AggregateException)
        {
            // A registration's own failure (a socket already gone): the stream is broken either way.
        }
    }

    private void ForgetIfDone()
    {
        lock (_gate)
        {
            if (!(_localFin && _remoteFin))
            {
                return;
            }
        }

        _link.Forget(Id);
    }
}
