using System.Net.Sockets;
using GrandAmbassador.Proxy.EventLoops;

namespace GrandAmbassador.Proxy.Tcp.Splice;

/// <summary>Linux errno values from splice(2) as the socket errors the copy loop would have seen for them.</summary>
internal static class SpliceErrors
{
    public static SocketError ToSocketError(int errno) => LoopErrors.ToSocketError(errno);

    /// <summary>Errors that mean splice cannot move this kind of descriptor, rather than that the connection failed.</summary>
    public static bool MeansUnsupported(int errno) => errno is 22 or 38 or 95; // EINVAL, ENOSYS, EOPNOTSUPP
}
