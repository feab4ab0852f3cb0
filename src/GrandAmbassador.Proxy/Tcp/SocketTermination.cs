using System.Net.Sockets;

namespace GrandAmbassador.Proxy.Tcp;

/// <summary>The two ways a relayed TCP socket ends: a FIN passed on, or an abortive reset.</summary>
internal static class SocketTermination
{
    private static readonly LingerOption Abortive = new(enable: true, seconds: 0);

    /// <summary>Sends FIN: the peer reads end-of-stream but may keep sending to us.</summary>
    public static void ShutdownSend(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The peer is already gone, or the connection was aborted; either way there is nobody to tell.
        }
    }

    /// <summary>
    /// Sends FIN and ends our reads: the peer reads end-of-stream, and a pending receive on this socket completes
    /// with end-of-stream, which ends the relay direction reading it as if the peer had closed.
    /// </summary>
    public static void ShutdownBoth(Socket? socket)
    {
        try
        {
            socket?.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }
    }

    /// <summary>
    /// Closes a client we never relayed (a held connection whose wait ran out) with a FIN: the peer reads
    /// end-of-stream. Had it sent something we never read, the kernel follows the FIN with a RST on close;
    /// Linux still gives the peer its end-of-stream first (the FIN marks the socket done before the reset).
    /// </summary>
    public static void Close(Socket socket)
    {
        ShutdownSend(socket);
        socket.Dispose();
    }

    /// <summary>
    /// Closes with RST. Used when a relay cannot finish cleanly, so that the peer learns at once instead of
    /// waiting on a half-dead connection; disposing also fails the pending operations on the socket.
    /// </summary>
    public static void Reset(Socket? socket)
    {
        if (socket is null)
        {
            return;
        }

        try
        {
            socket.LingerState = Abortive;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed: nothing left to reset.
        }

        socket.Dispose();
    }
}
