namespace GrandAmbassador.Proxy.Access;

/// <summary>Why <see cref="ClientAccess.TryAdmit"/> turned a client away; each is a <c>reason</c> tag of the refused counter.</summary>
internal enum AccessRefusal
{
    None,

    /// <summary>The client's address is on no network of the name's allow-list.</summary>
    NotAllowed,

    /// <summary>The client already has its most connections open (<c>--max-connections-per-client</c>).</summary>
    TooManyConnections,

    /// <summary>The client opened connections faster than its rate (<c>--connection-rate-per-client</c>).</summary>
    RateLimited,

    /// <summary>The per-client table is full of clients that all have connections open: a new address is not tracked.</summary>
    TooManyClients,
}
