namespace GrandAmbassador.Proxy.ProxyProtocol;

/// <summary>How the wait for a client's PROXY header ended; every outcome but <see cref="Read"/> closes the connection.</summary>
internal enum ProxyHeaderOutcome
{
    /// <summary>A valid header was read.</summary>
    Read,

    /// <summary>The client's first bytes are no PROXY header at all (a client that came straight, not through the balancer).</summary>
    Missing,

    /// <summary>They begin as one, but are malformed, or longer than the cap.</summary>
    Malformed,

    /// <summary>The client closed or reset before the header was whole.</summary>
    Ended,

    /// <summary>The header was not whole within the time allowed.</summary>
    TimedOut,
}
