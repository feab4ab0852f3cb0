using System.Net;
using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.Proxy.ProxyProtocol;

/// <summary>
/// A PROXY protocol header as read from a client. <see cref="Source"/> and <see cref="Destination"/> are null when
/// the header carries no address: a v2 LOCAL command (a load balancer's health check), a v1 <c>UNKNOWN</c>, or a
/// v2 family other than IPv4/IPv6; the connection's own socket addresses stand then.
/// </summary>
/// <param name="Length">The header's length in bytes, all of it consumed from the stream.</param>
internal readonly record struct ProxyHeader(ProxyProtocolVersion Version, IPEndPoint? Source, IPEndPoint? Destination, int Length)
{
    /// <summary>Whether the header named a client (PROXY command with an IPv4 or IPv6 address).</summary>
    public bool HasAddresses => Source is not null;
}
