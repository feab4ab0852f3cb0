using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.Configuration;

/// <summary>
/// Both directions between the wire contract's <see cref="PortProtocol"/> and the proxy's <see cref="TransportProtocol"/>,
/// the one place they meet: the proxy does not reference the contracts (it relays bytes and knows nothing of grains),
/// so each project keeps its enum and this project, which references both, converts.
/// </summary>
internal static class PortProtocolExtensions
{
    /// <summary>A contract protocol as the proxy's transport (routes, listeners, early binds).</summary>
    public static TransportProtocol ToTransport(this PortProtocol protocol) =>
        protocol == PortProtocol.Udp ? TransportProtocol.Udp : TransportProtocol.Tcp;

    /// <summary>A proxy transport as the contract's protocol (what a fronting registration tells the cluster).</summary>
    public static PortProtocol ToContract(this TransportProtocol transport) =>
        transport == TransportProtocol.Udp ? PortProtocol.Udp : PortProtocol.Tcp;
}
