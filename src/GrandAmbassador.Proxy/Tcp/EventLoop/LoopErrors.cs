using System.Net.Sockets;
using GrandAmbassador.Proxy.Tcp.Splice;

namespace GrandAmbassador.Proxy.Tcp.EventLoop;

/// <summary>Linux errno values from the loop's system calls as the socket errors .NET would have reported for them.</summary>
internal static class LoopErrors
{
    public static SocketError ToSocketError(int errno) => errno switch
    {
        1 or 13 => SocketError.AccessDenied, // EPERM, EACCES (a firewall rule, for instance)
        11 => SocketError.WouldBlock, // EAGAIN from connect: no local port left
        99 => SocketError.AddressNotAvailable, // EADDRNOTAVAIL
        101 => SocketError.NetworkUnreachable, // ENETUNREACH
        111 => SocketError.ConnectionRefused, // ECONNREFUSED
        _ => SpliceErrors.ToSocketError(errno),
    };

    public static SocketException Exception(int errno) => new((int)ToSocketError(errno));
}
