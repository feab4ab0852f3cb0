using System.Net;
using GrandAmbassador.Proxy.Diagnostics;
using GrandAmbassador.Proxy.Routing;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Proxy.ProxyProtocol;

/// <summary>
/// Counts every connection of one port closed for its PROXY header, and logs at most one line a second with how many
/// went unlogged, as the accept failures are: a scanner or a misrouted client must not flood the log.
/// Built only for ports of names with <c>--accept-proxy</c>.
/// </summary>
/// <param name="port">The port whose connections it counts, named in the log line.</param>
/// <param name="counts">That port's counts.</param>
internal sealed class ProxyHeaderRefusals(ListenPort port, PortCounts counts, TimeProvider timeProvider, ILogger logger)
{
    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(1);
    private readonly object _gate = new();
    private long _logged;
    private int _unlogged;

    public void Refused(ProxyHeaderOutcome outcome, EndPoint? peer)
    {
        // Logged (or not) before counted, so that whoever sees the count sees the log line it came with.
        var unlogged = -1;
        lock (_gate)
        {
            var now = timeProvider.GetTimestamp();
            if (_logged != 0 && timeProvider.GetElapsedTime(_logged, now) < LogInterval)
            {
                _unlogged++;
            }
            else
            {
                _logged = now;
                unlogged = _unlogged;
                _unlogged = 0;
            }
        }

        if (unlogged >= 0)
        {
            ProxyProtocolLog.HeaderRefused(logger, port, peer, Describe(outcome), unlogged);
        }

        Count(counts, outcome).Add(1);
    }

    /// <summary>The count of a refusal's reason (<c>reason</c> tag: missing, malformed, timeout, ended).</summary>
    private static MetricCount Count(PortCounts counts, ProxyHeaderOutcome outcome) => outcome switch
    {
        ProxyHeaderOutcome.Missing => counts.ProxyHeaderMissing,
        ProxyHeaderOutcome.Malformed => counts.ProxyHeaderMalformed,
        ProxyHeaderOutcome.TimedOut => counts.ProxyHeaderTimedOut,
        _ => counts.ProxyHeaderEnded,
    };

    private static string Describe(ProxyHeaderOutcome outcome) => outcome switch
    {
        ProxyHeaderOutcome.Missing => "missing",
        ProxyHeaderOutcome.Malformed => "malformed or too long",
        ProxyHeaderOutcome.TimedOut => "not whole in time",
        _ => "cut short by the client",
    };
}
