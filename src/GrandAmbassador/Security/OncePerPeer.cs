using System.Collections.Concurrent;
using System.Net;

namespace GrandAmbassador.Security;

/// <summary>
/// Says whether a refusal is worth a log line: once per peer address and reason per quiet period. Peers retry every
/// second or so, and one line per attempt would bury everything else.
/// </summary>
internal sealed class OncePerPeer<TReason>(TimeProvider time, TimeSpan quietPeriod)
    where TReason : notnull
{
    // Past this many remembered refusals, those older than the quiet period are forgotten.
    private const int PruneAbove = 1024;

    private readonly ConcurrentDictionary<(IPAddress Address, TReason Reason), DateTimeOffset> _lastLogged = new();

    public TimeSpan QuietPeriod => quietPeriod;

    public bool ShouldLog(EndPoint? peer, TReason reason)
    {
        var key = ((peer as IPEndPoint)?.Address ?? IPAddress.None, reason);
        var now = time.GetUtcNow();
        if (_lastLogged.TryGetValue(key, out var last) && now - last < quietPeriod)
        {
            return false;
        }

        if (_lastLogged.Count > PruneAbove)
        {
            foreach (var old in _lastLogged.Where(entry => now - entry.Value >= quietPeriod).Select(entry => entry.Key).ToList())
            {
                _lastLogged.TryRemove(old, out _);
            }
        }

        _lastLogged[key] = now;
        return true;
    }
}
