using System.Net;

namespace GrandAmbassador.Proxy.ProxyProtocol;

/// <summary>
/// The PROXY protocol state of one TCP connection: the client and destination its own header named (names with
/// <c>--accept-proxy</c>), and the header built for its backends. Allocated only for a connection that has either,
/// so that a connection of another name carries one null reference for all of it.
/// </summary>
internal sealed class ConnectionAddresses
{
    /// <summary>The client the connection's header named; null: the socket's peer stands.</summary>
    public IPEndPoint? Client { get; set; }

    /// <summary>The address the client connected to, from the header; null: the socket's own.</summary>
    public IPEndPoint? Local { get; set; }

    /// <summary>The header sent to backends, built at the first one and sent again to a replacement.</summary>
    public byte[]? BackendHeader { get; set; }

    /// <summary>
    /// The per-client entry the real client (the header's) was admitted with, for a name with per-client limits and
    /// --accept-proxy; released when the connection closes. Kept here so that other connections carry nothing for it.
    /// </summary>
    public Access.ClientEntry? AccessEntry { get; set; }
}
