using System.Net;
using GrandAmbassador.Security;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.HostRelay;

/// <summary>
/// The relay's refusals, logged once per peer address and reason per quiet period (a held connection is retried every
/// second), and counted.
/// </summary>
internal sealed class RelayRefusals(ILogger logger, TimeProvider time)
{
    private readonly OncePerPeer<string> _once = new(time, TimeSpan.FromMinutes(10));
    private long _count;

    /// <summary>Refusals since the start.</summary>
    public long Count => Interlocked.Read(ref _count);

    public void Refused(EndPoint? peer, string reason)
    {
        Interlocked.Increment(ref _count);
        if (_once.ShouldLog(peer, reason))
        {
            RelayLog.Refused(logger, peer, reason, (int)_once.QuietPeriod.TotalMinutes);
        }
    }
}
