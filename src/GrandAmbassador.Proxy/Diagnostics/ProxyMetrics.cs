using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using GrandAmbassador.Proxy.Routing;
using Series = (System.Collections.Generic.KeyValuePair<string, object?>? Qualifier, System.Func<GrandAmbassador.Proxy.Diagnostics.PortCounts, GrandAmbassador.Proxy.Diagnostics.MetricCount> Count);

namespace GrandAmbassador.Proxy.Diagnostics;

/// <summary>
/// The engine's instruments on the <c>GrandAmbassador.Proxy</c> meter. They are observable: each port counts
/// into its own <see cref="PortCounts"/> (an interlocked add, no tag lookup), and the instruments report the
/// ports open now when a reader collects. A port that closes is forgotten (<see cref="Forget"/>), so the series
/// of a name removed at run time leave /metrics with it rather than staying at their last value forever.
/// </summary>
internal sealed class ProxyMetrics : IDisposable
{
    public const string MeterName = "GrandAmbassador.Proxy";

    private static readonly KeyValuePair<string, object?> Upstream = new("direction", "upstream");
    private static readonly KeyValuePair<string, object?> Downstream = new("direction", "downstream");
    private static readonly KeyValuePair<string, object?> Idle = new("reason", "idle");
    private static readonly KeyValuePair<string, object?> HalfClose = new("reason", "half_close");
    private static readonly KeyValuePair<string, object?> Missing = new("reason", "missing");
    private static readonly KeyValuePair<string, object?> Malformed = new("reason", "malformed");
    private static readonly KeyValuePair<string, object?> HeaderTimeout = new("reason", "timeout");
    private static readonly KeyValuePair<string, object?> Ended = new("reason", "ended");
    private static readonly KeyValuePair<string, object?> NotAllowed = new("reason", "not_allowed");
    private static readonly KeyValuePair<string, object?> PerClientLimit = new("reason", "per_client_limit");
    private static readonly KeyValuePair<string, object?> RateLimit = new("reason", "rate_limit");
    private static readonly KeyValuePair<string, object?> TooManyClients = new("reason", "too_many_clients");

    private readonly ConcurrentDictionary<PortCounts, byte> _ports = new();
    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    public ProxyMetrics(IMeterFactory? meterFactory)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        Counter("grandambassador.proxy.connections.accepted", "{connection}", "TCP connections accepted.", (null, c => c.ConnectionsAccepted));
        UpDown("grandambassador.proxy.connections.active", "{connection}", "TCP connections open, held ones included.", (null, c => c.ConnectionsActive));
        UpDown("grandambassador.proxy.held", "{flow}", "TCP connections and UDP sessions waiting for a destination.", (null, c => c.Held));
        Counter("grandambassador.proxy.held.evicted", "{flow}", "Held TCP connections and UDP sessions evicted, oldest first, to keep the held bounds.", (null, c => c.HeldEvicted));
        Counter("grandambassador.proxy.connections.limit_reached", "{episode}", "Times the process reached its connection limit and stopped accepting.", (null, c => c.ConnectionLimitReached));
        Counter("grandambassador.proxy.accept.failures", "{failure}", "Accepts that failed, e.g. out of file descriptors.", (null, c => c.AcceptFailures));
        Counter("grandambassador.proxy.connections.timed_out", "{connection}", "TCP connections closed by the idle or half-close timeout; tagged by reason.",
            (Idle, c => c.TimedOutIdle), (HalfClose, c => c.TimedOutHalfClose));
        Counter("grandambassador.proxy.udp.sessions.evicted", "{session}", "UDP sessions closed, least recently used first, to make room for a new client.", (null, c => c.UdpSessionsEvicted));
        Counter("grandambassador.proxy.connect.failures", "{attempt}", "Connects to a backend address that failed or timed out.", (null, c => c.ConnectFailures));
        Counter("grandambassador.proxy.connections.retried", "{retry}", "New TCP connections replayed to another destination because their backend reset or closed before its first byte (names with --retry-before-first-byte).", (null, c => c.RetriedBeforeFirstByte));
        Counter("grandambassador.proxy.bytes", "By", "Bytes relayed, added when a TCP connection closes; tagged by direction.",
            (Upstream, c => c.BytesUpstream), (Downstream, c => c.BytesDownstream));
        Counter("grandambassador.proxy.spliced", "{direction}", "Directions of TCP connections that moved bulk data and relayed it with splice(2); added when the connection closes, tagged by direction.",
            (Upstream, c => c.SplicedUpstream), (Downstream, c => c.SplicedDownstream));
        Counter("grandambassador.proxy.udp.datagrams", "{datagram}", "UDP datagrams relayed; tagged by direction.",
            (Upstream, c => c.UdpDatagramsUpstream), (Downstream, c => c.UdpDatagramsDownstream));
        Counter("grandambassador.proxy.udp.datagrams.dropped", "{datagram}", "UDP datagrams dropped: no destination in time, held queue full, or their held session evicted.", (null, c => c.UdpDatagramsDropped));
        Counter("grandambassador.proxy.udp.sessions.opened", "{session}", "UDP sessions opened: one per new client address and port.", (null, c => c.UdpSessionsOpened));
        UpDown("grandambassador.proxy.udp.sessions.active", "{session}", "UDP sessions open.", (null, c => c.UdpSessionsActive));
        Counter("grandambassador.proxy.connections.proxy_header_refused", "{connection}", "TCP connections of names with --accept-proxy closed, never forwarded, because their PROXY protocol header was missing, malformed, late or cut short; tagged by reason.",
            (Missing, c => c.ProxyHeaderMissing), (Malformed, c => c.ProxyHeaderMalformed), (HeaderTimeout, c => c.ProxyHeaderTimedOut), (Ended, c => c.ProxyHeaderEnded));
        Counter("grandambassador.proxy.connections.refused", "{connection}", "TCP connections (UDP: datagrams of clients with no session) refused by the name's access settings (--allow, per-client limits, the allow label) and closed at once; tagged by reason.",
            (NotAllowed, c => c.RefusedNotAllowed), (PerClientLimit, c => c.RefusedPerClientLimit), (RateLimit, c => c.RefusedRateLimit), (TooManyClients, c => c.RefusedTooManyClients));
    }

    /// <summary>The counts of a port that opens now, reported until <see cref="Forget"/>.</summary>
    public PortCounts Track(string name, ListenPort port)
    {
        var counts = new PortCounts(name, port);
        _ports.TryAdd(counts, 0);
        return counts;
    }

    /// <summary>Stops reporting a port that has closed (and whose flows have ended).</summary>
    public void Forget(PortCounts counts) => _ports.TryRemove(counts, out _);

    public void Dispose()
    {
        // A meter from IMeterFactory belongs to the factory, which disposes it with the container.
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private void Counter(string name, string unit, string description, params Series[] series) =>
        _meter.CreateObservableCounter(name, () => Observe(series), unit, description);

    private void UpDown(string name, string unit, string description, params Series[] series) =>
        _meter.CreateObservableUpDownCounter(name, () => Observe(series), unit, description);

    private List<Measurement<long>> Observe(Series[] series)
    {
        var measurements = new List<Measurement<long>>();
        foreach (var port in _ports.Keys)
        {
            foreach (var (qualifier, count) in series)
            {
                KeyValuePair<string, object?>[] tags = qualifier is { } tag ? [port.Name, port.Port, tag] : [port.Name, port.Port];
                measurements.Add(new Measurement<long>(count(port).Value, tags));
            }
        }

        return measurements;
    }
}
