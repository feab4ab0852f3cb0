using System.Net.Sockets;

namespace GrandAmbassador.Proxy.EventLoops;

/// <summary>Linux errno values from raw socket calls (the loops', splice's) as the socket errors .NET would have reported for them.</summary>
internal static class LoopErrors
{
    public static SocketError ToSocketError(int errno) => errno switch
    {
        1 or 13 => SocketError.AccessDenied, // EPERM, EACCES (a firewall rule, for instance)
        11 => SocketError.WouldBlock, // EAGAIN from connect: no local port left
        99 => SocketError.AddressNotAvailable, // EADDRNOTAVAIL
        101 => SocketError.NetworkUnreachable, // ENETUNREACH
        111 => SocketError.ConnectionRefused, // ECONNREFUSED
        9 => SocketError.OperationAborted, // EBADF: the socket was closed under us, i.e. the connection was torn down
        32 => SocketError.Shutdown, // EPIPE, as .NET reports a send after the peer's reset or our shutdown
        90 => SocketError.MessageSize, // EMSGSIZE: a datagram larger than the path allows
        105 => SocketError.NoBufferSpaceAvailable, // ENOBUFS
        103 => SocketError.ConnectionAborted, // ECONNABORTED
        104 => SocketError.ConnectionReset, // ECONNRESET
        107 => SocketError.NotConnected, // ENOTCONN
        110 => SocketError.TimedOut, // ETIMEDOUT
        113 => SocketError.HostUnreachable, // EHOSTUNREACH
        _ => SocketError.SocketError,
    };

    public static SocketException Exception(int errno) => new((int)ToSocketError(errno));
}
