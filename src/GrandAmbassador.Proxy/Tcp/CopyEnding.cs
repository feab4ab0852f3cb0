using System.Net.Sockets;

namespace GrandAmbassador.Proxy.Tcp;

/// <summary>
/// How a direction ends, decided in one place: a FIN from the source is passed on as a FIN (the other direction
/// goes on), anything else resets both sockets, which also ends the other direction at once.
/// </summary>
internal static class CopyEnding
{
    /// <summary>The source sent FIN: so does the destination, and the direction is done.</summary>
    public static CopyResult EndOfStream(Socket destination, long total)
    {
        SocketTermination.ShutdownSend(destination);
        return new CopyResult(CopyStatus.Completed, total);
    }

    /// <summary>
    /// A receive, send or splice failed: both sockets are reset (the first failure wins: the other direction's
    /// pending operation fails on the disposed socket and reports <see cref="CopyStatus.Aborted"/>).
    /// </summary>
    public static CopyResult Failure(CopyStatus status, Exception exception, long total, Socket source, Socket destination)
    {
        // Disposed sockets and aborted operations mean the connection was torn down elsewhere: not our failure.
        var result = exception switch
        {
            ObjectDisposedException => new CopyResult(CopyStatus.Aborted, total),
            SocketException { SocketErrorCode: SocketError.OperationAborted } => new CopyResult(CopyStatus.Aborted, total),
            SocketException socketError => new CopyResult(status, total, socketError.SocketErrorCode),
            _ => new CopyResult(status, total, SocketError.SocketError, exception),
        };

        SocketTermination.Reset(source);
        SocketTermination.Reset(destination);
        return result;
    }
}
