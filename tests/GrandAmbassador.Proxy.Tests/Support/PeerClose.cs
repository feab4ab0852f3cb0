namespace GrandAmbassador.Proxy.Tests.Support;

/// <summary>How a peer ended a TCP connection, as the other end sees it.</summary>
internal enum PeerClose
{
    /// <summary>End of stream: the peer sent FIN.</summary>
    Fin,

    /// <summary>The peer reset the connection (RST).</summary>
    Reset,
}
