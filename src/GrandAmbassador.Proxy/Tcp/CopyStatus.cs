namespace GrandAmbassador.Proxy.Tcp;

/// <summary>How one direction of a relayed connection ended.</summary>
internal enum CopyStatus
{
    /// <summary>The source sent FIN; the FIN was passed on to the destination.</summary>
    Completed,

    /// <summary>Reading the source failed (usually a reset by the peer).</summary>
    SourceFailed,

    /// <summary>Writing to the destination failed (usually a reset by the peer).</summary>
    DestinationFailed,

    /// <summary>The connection was aborted elsewhere: the other direction failed, or a policy closed it.</summary>
    Aborted,
}
