using System.Net.Sockets;

namespace GrandAmbassador.Proxy.Tcp.Splice;

/// <summary>Linux errno values from splice(2) as the socket errors the copy loop would have seen for them.</summary>
internal static class SpliceErrors
{
    public static SocketError ToSocketError(int errno) => errno switch
    {
        9 => SocketError.OperationAborted, // EBADF: the socket was closed under us, i.e. the connection was torn down
        32 => SocketError.Shutdown, // EPIPE, as .NET reports a send after the peer's reset or our shutdown
        103 => SocketError.ConnectionAborted, // ECONNABORTED
        104 => SocketError.ConnectionReset, // ECONNRESET
        107 => SocketError.NotConnected, // ENOTCONN
        110 => SocketError.TimedOut, // ETIMEDOUT
        113 => SocketError.HostUnreachable, // EHOSTUNREACH
        _ => SocketError.SocketError,
    };

    /// <summary>Errors that mean splice cannot move this kind of descriptor, rather than that the connection failed.</summary>
    public static bool MeansUnsupported(int errno) => errno is 22 or 38 or 95; // EINVAL, ENOSYS, EOPNOTSUPP
}
