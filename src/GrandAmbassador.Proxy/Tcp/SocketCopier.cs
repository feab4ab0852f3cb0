using System.Buffers;
using System.Net.Sockets;
using GrandAmbassador.Proxy.EventLoops;
using GrandAmbassador.Proxy.Tcp.Splice;

namespace GrandAmbassador.Proxy.Tcp;

/// <summary>
/// Copies one direction of a TCP connection, in the manner of YARP's StreamCopier: an idle connection waits
/// on a zero-byte receive and holds no buffer; a pooled buffer is rented only once data is there. How the
/// direction ends is <see cref="CopyEnding"/>'s to decide; bulk data moves through <see cref="SplicePump"/>.
/// </summary>
/// <remarks>
/// One event-args object per direction serves its receives and its sends, driven by completion callbacks:
/// an idle connection costs two of these and no async state machines, instead of the four event-args the
/// sockets would cache for the awaitable API plus a pooled box per pending await.
/// The loop: wait (a zero-byte receive) → receive into a buffer → send all of it → wait. Each step is one
/// method that starts the next operation and says whether it is pending; <see cref="Run"/> calls the step
/// for the operation that just completed, and goes on while operations complete at once.
/// On Linux a direction whose receive filled the whole buffer (bulk, more is queued) switches to splice(2)
/// through a pipe of its own: after each wait it pumps socket to socket inside the kernel instead of
/// receiving. Request/response traffic never fills a buffer, so it never pays for a pipe.
/// </remarks>
internal sealed class SocketCopier : SocketAsyncEventArgs, IDirectionCopier
{
    private readonly Socket _source;
    private readonly Socket _destination;
    private readonly int _bufferSize;
    private readonly Action<SocketCopier> _onCompleted;

    // The pipe size to ask for once the direction moves bulk data; 0 once asked (or never to splice).
    private int _splicePipeSize;
    private SplicePipe? _pipe;
    private byte[]? _buffer;
    // Volatile: the timeout sweep reads it from another thread (IsWaiting).
    private volatile Step _step;
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

    /// <summary>The operation under way (or last finished).</summary>
    private enum Step
    {
        /// <summary>A zero-byte receive: waiting for the source to be readable.</summary>
        Waiting,

        /// <summary>
        /// The receive with a buffer that follows a wake-up. Usually data is there and it completes at once; but a
        /// zero-byte receive can complete on a readiness the previous receive already consumed (epoll reports it once
        /// more), and then this receive waits for the peer exactly as the zero-byte one did.
        /// </summary>
        Receiving,

        /// <summary>Sending what was received (or read out of the pipe).</summary>
        Sending,

        /// <summary>Pumping through the pipe, synchronously.</summary>
        Splicing,

        /// <summary>The direction ended; <see cref="Result"/> says how.</summary>
        Done,
    }

    /// <summary>Whether this direction moved to splice(2); valid once the completion callback has run.</summary>
    public bool Spliced { get; private set; }

    /// <summary>Bytes relayed so far; read by the timeout sweep, which compares it between passes.</summary>
    public long BytesCopied => Volatile.Read(ref _total);

    /// <summary>
    /// True while the direction waits for data (or has ended); false while a send or a splice is under way. A receive
    /// issued after a wake-up counts as waiting: pending, it waits for the peer; done, the step moves on at once.
    /// </summary>
    public bool IsWaiting => _step is Step.Waiting or Step.Receiving or Step.Done;

    /// <summary>How this direction ended; valid once the completion callback has run.</summary>
    public CopyResult Result { get; private set; }

    public void Start()
    {
        bool pending;
        try
        {
            pending = Wait();
        }
        catch (Exception exception)
        {
            Fail(exception);
            return;
        }

        if (!pending)
        {
            Run();
        }
    }

    protected override void OnCompleted(SocketAsyncEventArgs e) => Run();

    /// <summary>Takes the operation that just completed to its next step, for as long as operations complete at once.</summary>
    private void Run()
    {
        bool pending;
        do
        {
            if (SocketError != SocketError.Success)
            {
                Fail(new SocketException((int)SocketError));
                return;
            }

            try
            {
                pending = _step switch
                {
                    Step.Waiting => OnReadable(),
                    Step.Receiving => OnReceived(BytesTransferred),
                    _ => OnSent(BytesTransferred),
                };
            }
            catch (Exception exception)
            {
                Fail(exception);
                return;
            }
        }
        while (!pending && _step != Step.Done);
    }

    /// <summary>The source has data or a FIN (with an empty buffer nothing was consumed): receive it, or pump it through the pipe.</summary>
    private bool OnReadable()
    {
        if (_pipe is not null)
        {
            return Pump();
        }

        _buffer = ArrayPool<byte>.Shared.Rent(_bufferSize);
        _step = Step.Receiving;
        SetBuffer(_buffer.AsMemory(0, _bufferSize));
        return _source.ReceiveAsync(this);
    }

    private bool OnReceived(int read)
    {
        if (read == 0)
        {
            End(CopyEnding.EndOfStream(_destination, _total));
            return false;
        }

        if (read == _bufferSize)
        {
            StartSplicingIfAllowed();
        }

        _read = read;
        return Send(0);
    }

    private bool OnSent(int sent)
    {
        _sent += sent;
        if (_sent < _read)
        {
            return Send(_sent);
        }

        _total += _read;
        ReturnBuffer();
        // With a pipe, what was sent came out of it: pump the rest, since a source that outran its destination most likely has more.
        return _pipe is not null ? Pump() : Wait();
    }

    private bool Wait()
    {
        _step = Step.Waiting;
        SetBuffer(Memory<byte>.Empty);
        return _source.ReceiveAsync(this);
    }

    private bool Send(int from)
    {
        _sent = from;
        _step = Step.Sending;
        SetBuffer(_buffer.AsMemory(from, _read - from));
        return _destination.SendAsync(this);
    }

    /// <summary>A full buffer: more is queued, this is bulk. Splice from the next wait on; asked once per direction.</summary>
    private void StartSplicingIfAllowed()
    {
        if (_splicePipeSize > 0)
        {
            _pipe = SplicePipe.TryCreate(_splicePipeSize);
            Spliced = _pipe is not null;
            _splicePipeSize = 0;
        }
    }

    private bool Pump()
    {
        var pipe = _pipe!;
        _step = Step.Splicing;
        var outcome = SplicePump.Run(pipe, _source, _destination, out var moved, out var errno);
        _total += moved;
        switch (outcome)
        {
            case SpliceOutcome.SourceDrained:
                return Wait();

            case SpliceOutcome.Unsupported:
                Spliced = false;
                ClosePipe();
                return Wait();

            case SpliceOutcome.DestinationFull:
                // No writable wait on a socket in .NET: send one buffer of the pipe's bytes, whose completion waits.
                _buffer = ArrayPool<byte>.Shared.Rent(_bufferSize);
                _read = pipe.ReadInto(_buffer.AsSpan(0, Math.Min(pipe.Held, _bufferSize)));
                return Send(0);

            case SpliceOutcome.EndOfStream:
                End(CopyEnding.EndOfStream(_destination, _total));
                return false;

            default:
                _step = outcome == SpliceOutcome.DestinationFailed ? Step.Sending : Step.Receiving;
                Fail(LoopErrors.Exception(errno));
                return false;
        }
    }

    /// <summary>A failed receive (or pump from the source) is the source's failure; a failed send, the destination's.</summary>
    private void Fail(Exception exception)
    {
        var status = _step == Step.Sending ? CopyStatus.DestinationFailed : CopyStatus.SourceFailed;
        End(CopyEnding.Failure(status, exception, _total, _source, _destination));
    }

    private void End(CopyResult result)
    {
        ReturnBuffer();
        ClosePipe();
        _step = Step.Done;
        Result = result;
        _onCompleted(this);
    }

    private void ClosePipe()
    {
        _pipe?.Dispose();
        _pipe = null;
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
}
