using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;

namespace GrandAmbassador.Proxy.Tcp;

/// <summary>
/// One direction of a connection one side of which is TLS (a host relay's link): plain socket to TLS stream, or TLS
/// stream to plain socket. Ends as <see cref="SocketCopier"/> does (<see cref="CopyEnding"/>): end-of-stream is passed
/// on (a TLS close_notify, then a FIN), anything else resets both sockets. Like it, an idle direction holds no buffer:
/// it waits with a zero-byte read, which both a socket and an <see cref="SslStream"/> support.
/// </summary>
internal sealed class TlsStreamCopier : IDirectionCopier
{
    private readonly Stream _source;
    private readonly Socket _sourceSocket;
    private readonly Stream _destination;
    private readonly Socket _destinationSocket;
    private readonly int _bufferSize;
    private readonly Action<TlsStreamCopier> _onCompleted;
    private long _total;
    private volatile bool _waiting = true;

    /// <param name="source">What is read: a stream over <paramref name="sourceSocket"/> (a <see cref="NetworkStream"/> or the TLS stream).</param>
    /// <param name="destination">What is written: a stream over <paramref name="destinationSocket"/>.</param>
    public TlsStreamCopier(Stream source, Socket sourceSocket, Stream destination, Socket destinationSocket, int bufferSize, Action<TlsStreamCopier> onCompleted)
    {
        _source = source;
        _sourceSocket = sourceSocket;
        _destination = destination;
        _destinationSocket = destinationSocket;
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
        // The streams belong to the connection, which disposes them with its sockets.
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
                await _source.ReadAsync(Memory<byte>.Empty).ConfigureAwait(false);
                var buffer = ArrayPool<byte>.Shared.Rent(_bufferSize);
                try
                {
                    var read = await _source.ReadAsync(buffer.AsMemory(0, _bufferSize)).ConfigureAwait(false);
                    if (read == 0)
                    {
                        status = CopyStatus.DestinationFailed;
                        await EndOfStreamAsync().ConfigureAwait(false);
                        End(new CopyResult(CopyStatus.Completed, _total));
                        return;
                    }

                    _waiting = false;
                    status = CopyStatus.DestinationFailed;
                    await _destination.WriteAsync(buffer.AsMemory(0, read)).ConfigureAwait(false);
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
            End(CopyEnding.Failure(status, Unwrap(exception), _total, _sourceSocket, _destinationSocket));
        }
    }

    /// <summary>The source ended: a TLS destination is told with close_notify first (the other direction goes on), then FIN.</summary>
    private async ValueTask EndOfStreamAsync()
    {
        if (_destination is SslStream tls)
        {
            await tls.ShutdownAsync().ConfigureAwait(false);
        }

        SocketTermination.ShutdownSend(_destinationSocket);
    }

    /// <summary>Streams wrap a socket's error in an <see cref="IOException"/>; <see cref="CopyEnding"/> reads the socket's.</summary>
    private static Exception Unwrap(Exception exception) =>
        exception is IOException { InnerException: SocketException or ObjectDisposedException } io ? io.InnerException! : exception;

    private void End(CopyResult result)
    {
        _waiting = true;
        Result = result;
        _onCompleted(this);
    }
}
