namespace GrandAmbassador.Proxy.Routing;

/// <summary>The transport a <see cref="ListenPort"/> speaks.</summary>
internal enum TransportProtocol
{
    /// <summary>A TCP stream, relayed byte for byte with half-close carried through.</summary>
    Tcp,

    /// <summary>UDP datagrams, relayed per client session.</summary>
    Udp,
}
