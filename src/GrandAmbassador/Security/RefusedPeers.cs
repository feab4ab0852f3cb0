using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Security;

/// <summary>
/// Logs a refused TLS peer once per address and quiet period: a silo retries every few seconds,
/// and one line per attempt would bury everything else.
/// </summary>
internal sealed class RefusedPeers(ILogger logger, TimeProvider time)
{
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<IPAddress, DateTimeOffset> _lastLogged = new();

    public void Refused(EndPoint? peer, string direction, string reason)
    {
        var address = (peer as IPEndPoint)?.Address ?? IPAddress.None;
        var now = time.GetUtcNow();
        if (_lastLogged.TryGetValue(address, out var last) && now - last < QuietPeriod)
        {
            return;
        }

        _lastLogged[address] = now;
        SecurityLog.PeerRefused(logger, peer?.ToString() ?? "unknown", direction, reason, (int)QuietPeriod.TotalMinutes);
    }
}
