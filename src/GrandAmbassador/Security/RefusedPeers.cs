using System.Net;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Security;

/// <summary>
/// Logs a refused TLS peer once per address, kind of refusal and quiet period: a silo retries every
/// few seconds, and one line per attempt would bury everything else. The kind, not the reason's text,
/// is the key: the text names the peer's certificate, which the peer chooses anew at will. On one
/// machine every silo shares 127.0.0.1, and one silo's handshake failure must not hide another's
/// foreign certificate.
/// </summary>
internal sealed class RefusedPeers(ILogger logger, TimeProvider time)
{
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromMinutes(10);

    private readonly OncePerPeer<RefusalKind> _once = new(time, QuietPeriod);

    public void Refused(EndPoint? peer, string direction, string reason, RefusalKind kind)
    {
        if (_once.ShouldLog(peer, kind))
        {
            SecurityLog.PeerRefused(logger, peer?.ToString() ?? "unknown", direction, reason, (int)QuietPeriod.TotalMinutes);
        }
    }
}
