using System.Buffers;
using System.Net.Sockets;

namespace GrandAmbassador.Proxy.Tcp;

/// <summary>
/// One direction of a connection one side of which is not a plain socket (a stream of a multiplexed relay link, or a
/// TLS stream): the counterpart of <see cref="SocketCopier"/>, and it ends the same way: end-of-stream is passed on as a
/// FIN, anything else resets both sides. Like it, an idle direction holds no buffer: it waits with a zero-byte read.
/// </summary>
internal sealed class StreamCopier : IDirectionCopier
{
    private readonly CopyEnd _source;
    private readonly CopyEnd _destination;
    private readonly int _bufferSize;
    private readonly Action<StreamCopier> _onCompleted;
    private long _total;
    private volatile bool _waiting = true;

    public StreamCopier(CopyEnd source, CopyEnd destination, int bufferSize, Action<StreamCopier> onCompleted)
    {
        _source = source;
        _destination = destination;
        _bufferSize = bufferSize;
        _onCompleted = onCompleted;
    }

    public object? UserToken { get; set; }

    public long BytesCopied => Volatile.Read(ref _total);

    public bool IsWaiting => _waiting;

    public bool Spliced => false;

    public CopyResult Result { get; private set; }

    public void Start() => _ = RunAsync();

    public void Dispose()
    {
        // The ends belong to the connection, which disposes them.
    }

    private async Task RunAsync()
    {
        var status = CopyStatus.SourceFailed;
        try
        {
            while (true)
            {
                _waiting = true;
                status = CopyStatus.SourceFailed;
                await _source.Stream.ReadAsync(Memory<byte>.Empty).ConfigureAwait(false);
                var buffer = ArrayPool<byte>.Shared.Rent(_bufferSize);
                try
                {
                    var read = await _source.Stream.ReadAsync(buffer.AsMemory(0, _bufferSize)).ConfigureAwait(false);
                    status = CopyStatus.DestinationFailed;
                    if (read == 0)
                    {
                        await _destination.ShutdownSendAsync().ConfigureAwait(false);
                        End(new CopyResult(CopyStatus.Completed, _total));
                        return;
                    }

                    _waiting = false;
                    await _destination.Stream.WriteAsync(buffer.AsMemory(0, read)).ConfigureAwait(false);
                    Volatile.Write(ref _total, _total + read);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (Exception exception)
        {
            End(Failure(status, exception));
        }
    }

    /// <summary>As <see cref="CopyEnding.Failure"/>: both sides are reset, and the first failure is the one reported.</summary>
    private CopyResult Failure(CopyStatus status, Exception exception)
    {
        var error = exception is IOException { InnerException: { } inner } ? inner : exception;
        var result = error switch
        {
            ObjectDisposedException => new CopyResult(CopyStatus.Aborted, _total),
            SocketException { SocketErrorCode: SocketError.OperationAborted } => new CopyResult(CopyStatus.Aborted, _total),
            SocketException socketError => new CopyResult(status, _total, socketError.SocketErrorCode),
            _ => new CopyResult(status, _total, SocketError.SocketError, exception),
        };

        _source.Reset();
        _destination.Reset();
        return result;
    }

    private void End(CopyResult result)
    {
        _waiting = true;
        Result = result;
        _onCompleted(this);
    }
}
