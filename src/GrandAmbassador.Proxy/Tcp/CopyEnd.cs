using System.Net.Security;
using System.Net.Sockets;
using GrandAmbassador.Proxy.HostRelay.Mux;

namespace GrandAmbassador.Proxy.Tcp;

/// <summary>
/// One side of a connection that a <see cref="StreamCopier"/> reads or writes: a socket (through a stream over it), a
/// stream of a multiplexed relay link, or a TLS stream over a socket. Knows how that side ends: a FIN, or a reset.
/// </summary>
internal readonly record struct CopyEnd(Stream Stream, Socket? Socket)
{
    public static CopyEnd Of(Socket socket) => new(new NetworkStream(socket, ownsSocket: false), socket);

    public static CopyEnd Of(MuxStream stream) => new(stream, null);

    /// <summary>A FIN (after a TLS close_notify on a TLS stream): the peer reads end-of-stream, the other direction goes on.</summary>
    public async ValueTask ShutdownSendAsync()
    {
        switch (Stream)
        {
            case MuxStream relayed:
                relayed.ShutdownSend();
                return;
            case SslStream tls:
                await tls.ShutdownAsync().ConfigureAwait(false);
                break;
        }

        SocketTermination.ShutdownSend(Socket!);
    }

    /// <summary>A FIN both ways, and our reads end (the drain's deadline, a wait that ran out).</summary>
    public void ShutdownBoth()
    {
        if (Stream is MuxStream relayed)
        {
            relayed.ShutdownBoth();
        }
        else
        {
            SocketTermination.ShutdownBoth(Socket);
        }
    }

    /// <summary>A reset both ways.</summary>
    public void Reset()
    {
        if (Stream is MuxStream relayed)
        {
            relayed.Reset();
        }
        else
        {
            SocketTermination.Reset(Socket);
        }
    }
}
