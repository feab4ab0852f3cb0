namespace GrandAmbassador.Security;

/// <summary>Why a TLS handshake was refused, as far as the quiet period of its log line goes.</summary>
internal enum RefusalKind
{
    /// <summary>The handshake failed without a certificate to judge: no TLS, no certificate, or the peer refused ours.</summary>
    Handshake,

    /// <summary>The peer's certificate was judged and refused (another CA, expired, not for this use).</summary>
    Certificate,
}
