namespace GrandAmbassador.Proxy.Routing;

/// <summary>Which PROXY protocol header, if any, a backend is sent ahead of the client's bytes.</summary>
internal enum ProxyProtocolVersion : byte
{
    /// <summary>No header: the backend sees the ambassador as its client (the default).</summary>
    None = 0,

    /// <summary>The human-readable header (<c>PROXY TCP4 …\r\n</c>); TCP only.</summary>
    V1 = 1,

    /// <summary>The binary header; TCP and UDP (one header per datagram).</summary>
    V2 = 2,
}
