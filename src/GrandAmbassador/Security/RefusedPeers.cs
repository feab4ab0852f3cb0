using System.Collections.Concurrent;
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

    // Past this many remembered refusals, those older than the quiet period are forgotten.
    private const int PruneAbove = 1024;

    private readonly ConcurrentDictionary<(IPAddress Address, RefusalKind Kind), DateTimeOffset> _lastLogged = new();

    public void Refused(EndPoint? peer, string direction, string reason, RefusalKind kind)
    {
        var address = (peer as IPEndPoint)?.Address ?? IPAddress.None;
        var now = time.GetUtcNow();
        var key = (address, kind);
        if (_lastLogged.TryGetValue(key, out var last) && now - last < QuietPeriod)
        {
            return;
        }

        if (_lastLogged.Count > PruneAbove)
        {
            foreach (var old in _lastLogged.Where(entry => now - entry.Value >= QuietPeriod).Select(entry => entry.Key).ToList())
            {
                _lastLogged.TryRemove(old, out _);
            }
        }

        _lastLogged[key] = now;
        SecurityLog.PeerRefused(logger, peer?.ToString() ?? "unknown", direction, reason, (int)QuietPeriod.TotalMinutes);
    }
}
