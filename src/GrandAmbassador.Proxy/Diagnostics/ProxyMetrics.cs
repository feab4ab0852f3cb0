using System.Diagnostics.Metrics;

namespace GrandAmbassador.Proxy.Diagnostics;

/// <summary>
/// The engine's instruments on the <c>GrandAmbassador.Proxy</c> meter. Each <c>Add</c> costs a check and
/// nothing else while nobody listens. Tags are built once per port (<see cref="PortTags"/>), so recording
/// does not allocate.
/// </summary>
internal sealed class ProxyMetrics : IDisposable
{
    public const string MeterName = "GrandAmbassador.Proxy";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    public ProxyMetrics(IMeterFactory? meterFactory)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        ConnectionsAccepted = _meter.CreateCounter<long>("grandambassador.proxy.connections.accepted", "{connection}", "TCP connections accepted.");
        ConnectionsActive = _meter.CreateUpDownCounter<long>("grandambassador.proxy.connections.active", "{connection}", "TCP connections open, held ones included.");
        Held = _meter.CreateUpDownCounter<long>("grandambassador.proxy.held", "{flow}", "TCP connections and UDP sessions waiting for a destination.");
        HeldEvicted = _meter.CreateCounter<long>("grandambassador.proxy.held.evicted", "{flow}", "Held TCP connections and UDP sessions evicted, oldest first, to keep the held bounds.");
        ConnectionLimitReached = _meter.CreateCounter<long>("grandambassador.proxy.connections.limit_reached", "{episode}", "Times the process reached its connection limit and stopped accepting.");
        AcceptFailures = _meter.CreateCounter<long>("grandambassador.proxy.accept.failures", "{failure}", "Accepts that failed, e.g. out of file descriptors.");
        TimedOut = _meter.CreateCounter<long>("grandambassador.proxy.connections.timed_out", "{connection}", "TCP connections closed by the idle or half-close timeout; tagged by reason.");
        Drained = _meter.CreateCounter<long>("grandambassador.proxy.connections.drained", "{connection}", "TCP connections open when a drain began; tagged by reason: finished (on their own) or closed (at its end).");
        UdpSessionsEvicted = _meter.CreateCounter<long>("grandambassador.proxy.udp.sessions.evicted", "{session}", "UDP sessions closed, least recently used first, to make room for a new client.");
        ConnectFailures = _meter.CreateCounter<long>("grandambassador.proxy.connect.failures", "{attempt}", "Connects to a backend address that failed or timed out.");
        RetriedBeforeFirstByte = _meter.CreateCounter<long>("grandambassador.proxy.connections.retried", "{retry}", "New TCP connections replayed to another destination because their backend reset or closed before its first byte (names with --retry-before-first-byte).");
        Bytes = _meter.CreateCounter<long>("grandambassador.proxy.bytes", "By", "Bytes relayed, added when a TCP connection closes; tagged by direction.");
        Spliced = _meter.CreateCounter<long>("grandambassador.proxy.spliced", "{direction}", "Directions of TCP connections that moved bulk data and relayed it with splice(2); added when the connection closes, tagged by direction.");
        UdpDatagrams = _meter.CreateCounter<long>("grandambassador.proxy.udp.datagrams", "{datagram}", "UDP datagrams relayed; tagged by direction.");
        UdpDatagramsDropped = _meter.CreateCounter<long>("grandambassador.proxy.udp.datagrams.dropped", "{datagram}", "UDP datagrams dropped: no destination in time, held queue full, or their held session evicted.");
        UdpSessionsActive = _meter.CreateUpDownCounter<long>("grandambassador.proxy.udp.sessions.active", "{session}", "UDP sessions open.");
        ProxyHeaderRefused = _meter.CreateCounter<long>("grandambassador.proxy.connections.proxy_header_refused", "{connection}", "TCP connections of names with --accept-proxy closed, never forwarded, because their PROXY protocol header was missing, malformed, late or cut short; tagged by reason.");
    }

    public Counter<long> ConnectionsAccepted { get; }

    public UpDownCounter<long> ConnectionsActive { get; }

    public UpDownCounter<long> Held { get; }

    public Counter<long> HeldEvicted { get; }

    public Counter<long> ConnectionLimitReached { get; }

    public Counter<long> AcceptFailures { get; }

    public Counter<long> TimedOut { get; }

    public Counter<long> Drained { get; }

    public Counter<long> UdpSessionsEvicted { get; }

    public Counter<long> ConnectFailures { get; }

    public Counter<long> RetriedBeforeFirstByte { get; }

    public Counter<long> Bytes { get; }

    public Counter<long> Spliced { get; }

    public Counter<long> UdpDatagrams { get; }

    public Counter<long> UdpDatagramsDropped { get; }

    public UpDownCounter<long> UdpSessionsActive { get; }

    public Counter<long> ProxyHeaderRefused { get; }

    public void Dispose()
    {
        // A meter from IMeterFactory belongs to the factory, which disposes it with the container.
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
