namespace GrandAmbassador.Proxy.ProxyProtocol;

/// <summary>What <see cref="ProxyHeaderParser.Parse"/> made of the bytes so far.</summary>
internal enum ProxyParseStatus
{
    /// <summary>A whole, valid header; its length says how many bytes it took.</summary>
    Complete,

    /// <summary>A valid start: more bytes are needed.</summary>
    Incomplete,

    /// <summary>Not a PROXY header, or a malformed or oversized one.</summary>
    Invalid,
}
