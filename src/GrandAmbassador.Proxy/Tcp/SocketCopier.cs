using System.Buffers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace GrandAmbassador.Proxy.Tcp;

/// <summary>
/// Copies one direction of a TCP connection, in the manner of YARP's StreamCopier: an idle connection waits
/// on a zero-byte receive and holds no buffer; a pooled buffer is rented only once data is there. A FIN is
/// passed on as a FIN; a failure resets both sockets, which also ends the other direction.
/// </summary>
internal static class SocketCopier
{
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<CopyResult> CopyAsync(Socket source, Socket destination, int bufferSize)
    {
        long total = 0;
        while (true)
        {
            int read;
            byte[]? buffer = null;
            try
            {
                // Completes when data or FIN arrives; with an empty buffer nothing is consumed.
                await source.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
                buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
                read = await source.ReceiveAsync(buffer.AsMemory(0, bufferSize), SocketFlags.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Return(buffer);
                return Fail(CopyStatus.SourceFailed, total, ex, source, destination);
            }

            if (read == 0)
            {
                Return(buffer);
                SocketTermination.ShutdownSend(destination);
                return new CopyResult(CopyStatus.Completed, total);
            }

            try
            {
                var sent = 0;
                while (sent < read)
                {
                    sent += await destination.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None).ConfigureAwait(false);
                }

                total += read;
            }
            catch (Exception ex)
            {
                return Fail(CopyStatus.DestinationFailed, total, ex, source, destination);
            }
            finally
            {
                Return(buffer);
            }
        }
    }

    private static void Return(byte[]? buffer)
    {
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static CopyResult Fail(CopyStatus status, long total, Exception exception, Socket source, Socket destination)
    {
        // Disposed sockets and aborted operations mean the connection was torn down elsewhere: not our failure.
        var result = exception switch
        {
            ObjectDisposedException => new CopyResult(CopyStatus.Aborted, total),
            SocketException { SocketErrorCode: SocketError.OperationAborted } => new CopyResult(CopyStatus.Aborted, total),
            SocketException se => new CopyResult(status, total, se.SocketErrorCode),
            _ => new CopyResult(status, total, SocketError.SocketError, exception),
        };

        // The first failure wins: resetting both sockets fails the other direction's pending operation.
        SocketTermination.Reset(source);
        SocketTermination.Reset(destination);
        return result;
    }
}
