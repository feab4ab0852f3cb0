using System.Buffers;
using System.Net.Sockets;

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
/// </remarks>
internal sealed class SocketCopier : SocketAsyncEventArgs
{
    private const int Waiting = 0;
    private const int Receiving = 1;
    private const int Sending = 2;

    private readonly Socket _source;
    private readonly Socket _destination;
    private readonly int _bufferSize;
    private readonly Action<SocketCopier> _onCompleted;
    private byte[]? _buffer;
    private int _state;
    private int _read;
    private int _sent;
    private long _total;

    public SocketCopier(Socket source, Socket destination, int bufferSize, Action<SocketCopier> onCompleted)
        : base(unsafeSuppressExecutionContextFlow: true)
    {
        _source = source;
        _destination = destination;
        _bufferSize = bufferSize;
        _onCompleted = onCompleted;
    }

    /// <summary>Bytes relayed so far; read by the timeout sweep, which compares it between passes.</summary>
    public long BytesCopied => Volatile.Read(ref _total);

    /// <summary>True while the direction waits for data (or has ended); false while a read or send is under way.</summary>
    public bool IsWaiting => Volatile.Read(ref _state) == Waiting;

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
