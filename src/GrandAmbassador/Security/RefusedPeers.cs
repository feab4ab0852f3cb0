using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Security;

/// <summary>
/// Logs a refused TLS peer once per address, reason and quiet period: a silo retries every few
/// seconds, and one line per attempt would bury everything else. A new reason from the same address
/// is news (on one machine every silo shares 127.0.0.1), so it is logged at once.
/// </summary>
internal sealed class RefusedPeers(ILogger logger, TimeProvider time)
{
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<(IPAddress Address, string Reason), DateTimeOffset> _lastLogged = new();

    public void Refused(EndPoint? peer, string direction, string reason)
    {
        var address = (peer as IPEndPoint)?.Address ?? IPAddress.None;
        var now = time.GetUtcNow();
        var key = (address, reason);
        if (_lastLogged.TryGetValue(key, out var last) && now - last < QuietPeriod)
        {
            return;
        }

        _lastLogged[key] = now;
        SecurityLog.PeerRefused(logger, peer?.ToString() ?? "unknown", direction, reason, (int)QuietPeriod.TotalMinutes);
    }
}
