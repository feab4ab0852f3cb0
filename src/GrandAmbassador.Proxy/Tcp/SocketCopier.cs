using System.Buffers;
using System.Net.Sockets;
using GrandAmbassador.Proxy.Tcp.Splice;

namespace GrandAmbassador.Proxy.Tcp;

/// <summary>
/// Copies one direction of a TCP connection, in the manner of YARP's StreamCopier: an idle connection waits
/// on a zero-byte receive and holds no buffer; a pooled buffer is rented only once data is there. A FIN is
/// passed on as a FIN; a failure resets both sockets, which also ends the other direction.
/// </summary>
/// <remarks>
/// One event-args object per direction serves its receives and its sends, driven by completion callbacks:
/// an idle connection costs two of these and no async state machines, instead of the four event-args the
/// sockets would cache for the awaitable API plus a pooled box per pending await.
/// On Linux a direction that moves bulk data (one read filled the whole buffer) switches to splice(2) through a
/// pipe of its own (<see cref="SplicePipe"/>): the bytes go from socket to socket inside the kernel. Readiness
/// still comes from the zero-byte receive; FIN, reset and the byte count are kept as the copy loop keeps them.
/// Request/response traffic never fills a buffer, so it never pays for a pipe.
/// </remarks>
internal sealed class SocketCopier : SocketAsyncEventArgs
{
    private const int Waiting = 0;
    // The receive with a buffer that follows a zero-byte receive's completion. Usually data is there and it completes
    // at once; but a zero-byte receive can complete on a readiness the previous receive already consumed (epoll
    // reports it once more), and then this receive waits for the peer exactly as the zero-byte one did.
    private const int Receiving = 1;
    private const int Sending = 2;
    private const int Splicing = 3;

    private readonly Socket _source;
    private readonly Socket _destination;
    private readonly int _bufferSize;
    private readonly Action<SocketCopier> _onCompleted;
    private int _splicePipeSize;
    private SplicePipe? _pipe;
    private int _piped;
    private byte[]? _buffer;
    private int _state;
    private int _read;
    private int _sent;
    private long _total;

    /// <param name="splicePipeSize">The pipe size for splice(2) once the direction moves bulk data; 0 never splices.</param>
    public SocketCopier(Socket source, Socket destination, int bufferSize, int splicePipeSize, Action<SocketCopier> onCompleted)
        : base(unsafeSuppressExecutionContextFlow: true)
    {
        _source = source;
        _destination = destination;
        _bufferSize = bufferSize;
        _splicePipeSize = splicePipeSize;
        _onCompleted = onCompleted;
    }

    /// <summary>Whether this direction moved to splice(2); valid once the completion callback has run.</summary>
    public bool Spliced { get; private set; }

    /// <summary>Bytes relayed so far; read by the timeout sweep, which compares it between passes.</summary>
    public long BytesCopied => Volatile.Read(ref _total);

    /// <summary>
    /// True while the direction waits for data (or has ended); false while a send or a splice is under way. A receive
    /// issued after a wake-up counts as waiting: pending, it waits for the peer; done, the state moves on at once.
    /// </summary>
    public bool IsWaiting => Volatile.Read(ref _state) is Waiting or Receiving;

    /// <summary>How this direction ended; valid once the completion callback has run.</summary>
    public CopyResult Result { get; private set; }

    public void Start()
    {
        _state = Waiting;
        SetBuffer(Memory<byte>.Empty);
        bool pending;
        try
        {
            pending = _source.ReceiveAsync(this);
        }
        catch (Exception ex)
        {
            Finish(Fail(CopyStatus.SourceFailed, ex));
            return;
        }

        if (!pending)
        {
            Run();
        }
    }

    protected override void OnCompleted(SocketAsyncEventArgs e) => Run();

    /// <summary>Advances after an operation finished, for as long as operations finish synchronously.</summary>
    private void Run()
    {
        while (true)
        {
            var state = _state;
            if (SocketError != SocketError.Success)
            {
                var status = state == Sending ? CopyStatus.DestinationFailed : CopyStatus.SourceFailed;
                Finish(Fail(status, new SocketException((int)SocketError)));
                return;
            }

            bool pending;
            try
            {
                switch (state)
                {
                    case Waiting when _pipe is not null:
                    case Splicing:
                        pending = Splice(out var finished);
                        if (finished)
                        {
                            return;
                        }

                        break;

                    case Waiting:
                        // Data or FIN is there; with an empty buffer nothing was consumed.
                        _buffer = ArrayPool<byte>.Shared.Rent(_bufferSize);
                        _state = Receiving;
                        SetBuffer(_buffer.AsMemory(0, _bufferSize));
                        pending = _source.ReceiveAsync(this);
                        break;

                    case Receiving:
                        var read = BytesTransferred;
                        if (read == 0)
                        {
                            ReturnBuffer();
                            SocketTermination.ShutdownSend(_destination);
                            Finish(new CopyResult(CopyStatus.Completed, _total));
                            return;
                        }

                        if (read == _bufferSize && _splicePipeSize > 0)
                        {
                            // A full buffer: more is queued, this is bulk. Splice from the next wait on.
                            _pipe = SplicePipe.TryCreate(_splicePipeSize);
                            Spliced = _pipe is not null;
                            _splicePipeSize = 0;
                        }

                        _read = read;
                        _sent = 0;
                        _state = Sending;
                        SetBuffer(_buffer.AsMemory(0, read));
                        pending = _destination.SendAsync(this);
                        break;

                    default:
                        _sent += BytesTransferred;
                        if (_sent < _read)
                        {
                            SetBuffer(_buffer.AsMemory(_sent, _read - _sent));
                            pending = _destination.SendAsync(this);
                            break;
                        }

                        _total += _read;
                        ReturnBuffer();
                        if (_pipe is not null)
                        {
                            // The destination took what we read out of the pipe: splice the rest, and go on
                            // splicing, since a source that outran its destination most likely has more.
                            _state = Splicing;
                            continue;
                        }

                        _state = Waiting;
                        SetBuffer(Memory<byte>.Empty);
                        pending = _source.ReceiveAsync(this);
                        break;
                }
            }
            catch (Exception ex)
            {
                Finish(Fail(_state == Sending ? CopyStatus.DestinationFailed : CopyStatus.SourceFailed, ex));
                return;
            }

            if (pending)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Splices until the source has nothing more (then waits on a zero-byte receive again) or the destination's send
    /// buffer is full (then sends one buffer of what is in the pipe, which waits for room, and comes back here).
    /// </summary>
    /// <returns>Whether an operation is pending; <paramref name="finished"/> when the direction ended.</returns>
    private bool Splice(out bool finished)
    {
        var pipe = _pipe!;
        _state = Splicing;
        finished = false;
        int errno;
        while (true)
        {
            var filled = 0L;
            if (_piped == 0)
            {
                filled = pipe.Fill(_source, pipe.Size, out errno);
                if (filled < 0)
                {
                    if (errno == LibC.EAGAIN)
                    {
                        return Wait();
                    }

                    if (SpliceErrors.MeansUnsupported(errno))
                    {
                        // Not a socket splice can read (the pipe is empty here): back to the copy loop for good.
                        Spliced = false;
                        ClosePipe();
                        _state = Waiting;
                        return Wait();
                    }

                    finished = true;
                    Finish(Fail(CopyStatus.SourceFailed, new SocketException((int)SpliceErrors.ToSocketError(errno))));
                    return false;
                }

                if (filled == 0)
                {
                    finished = true;
                    SocketTermination.ShutdownSend(_destination);
                    Finish(new CopyResult(CopyStatus.Completed, _total));
                    return false;
                }

                _piped = (int)filled;
            }

            var drained = pipe.Drain(_destination, _piped, out errno);
            if (drained < 0)
            {
                if (errno != LibC.EAGAIN)
                {
                    finished = true;
                    Finish(Fail(CopyStatus.DestinationFailed, new SocketException((int)SpliceErrors.ToSocketError(errno))));
                    return false;
                }

                // No writable wait on a socket in .NET: send one buffer of the pipe's bytes, whose completion waits.
                _buffer = ArrayPool<byte>.Shared.Rent(_bufferSize);
                var read = pipe.ReadInto(_buffer.AsSpan(0, Math.Min(_piped, _bufferSize)));
                _piped -= read;
                _read = read;
                _sent = 0;
                _state = Sending;
                SetBuffer(_buffer.AsMemory(0, read));
                return _destination.SendAsync(this);
            }

            _piped -= (int)drained;
            _total += drained;
            if (_piped == 0 && filled > 0 && filled < pipe.Size)
            {
                // Less than asked for: the source is most likely empty, and the wait costs what a failed splice would.
                return Wait();
            }
        }
    }

    private bool Wait()
    {
        _state = Waiting;
        SetBuffer(Memory<byte>.Empty);
        return _source.ReceiveAsync(this);
    }

    private void ClosePipe()
    {
        _pipe?.Dispose();
        _pipe = null;
        _piped = 0;
    }

    private void ReturnBuffer()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            SetBuffer(Memory<byte>.Empty);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Finish(CopyResult result)
    {
        ReturnBuffer();
        ClosePipe();
        Result = result;
        _onCompleted(this);
    }

    private CopyResult Fail(CopyStatus status, Exception exception)
    {
        // Disposed sockets and aborted operations mean the connection was torn down elsewhere: not our failure.
        var result = exception switch
        {
            ObjectDisposedException => new CopyResult(CopyStatus.Aborted, _total),
            SocketException { SocketErrorCode: SocketError.OperationAborted } => new CopyResult(CopyStatus.Aborted, _total),
            SocketException se => new CopyResult(status, _total, se.SocketErrorCode),
            _ => new CopyResult(status, _total, SocketError.SocketError, exception),
        };

        // The first failure wins: resetting both sockets fails the other direction's pending operation.
        SocketTermination.Reset(_source);
        SocketTermination.Reset(_destination);
        return result;
    }
}
