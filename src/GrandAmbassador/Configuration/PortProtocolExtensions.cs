using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.Configuration;

/// <summary>The one direction between the wire contract and the proxy: a contract protocol becomes a proxy transport.</summary>
internal static class PortProtocolExtensions
{
    public static TransportProtocol ToTransport(this PortProtocol protocol) =>
        protocol == PortProtocol.Udp ? TransportProtocol.Udp : TransportProtocol.Tcp;
}
