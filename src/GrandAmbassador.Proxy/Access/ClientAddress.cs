using System.Net;
using System.Net.Sockets;

namespace GrandAmbassador.Proxy.Access;

/// <summary>
/// The client address access checks judge: the peer of the accepted socket (<see cref="Of"/>), or for a name with
/// --accept-proxy the client its PROXY header named, once read (TcpConnection.ClientEndPoint, normalized here too;
/// the check then runs in the connection, before its dial). IPv4 clients of a dual-stack listener
/// arrive as IPv4-mapped IPv6 (::ffff:10.0.0.1); they are turned back into IPv4 so that IPv4 networks match them
/// and one client is one table entry whichever way it came.
/// </summary>
internal static class ClientAddress
{
    public static IPAddress? Of(Socket accepted) =>
        accepted.RemoteEndPoint is IPEndPoint peer ? Normalize(peer.Address) : null;

    public static IPAddress Normalize(IPAddress address) =>
        address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
