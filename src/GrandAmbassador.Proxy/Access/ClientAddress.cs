using System.Net;
using System.Net.Sockets;

namespace GrandAmbassador.Proxy.Access;

/// <summary>
/// The one place a connection's client address is taken for access checks: the peer of the accepted socket today;
/// an address learned from a PROXY protocol header would be swapped in here. IPv4 clients of a dual-stack listener
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
