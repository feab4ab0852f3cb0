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
        ConnectFailures = _meter.CreateCounter<long>("grandambassador.proxy.connect.failures", "{attempt}", "Connects to a backend address that failed or timed out.");
        Bytes = _meter.CreateCounter<long>("grandambassador.proxy.bytes", "By", "Bytes relayed, added when a TCP connection closes; tagged by direction.");
        UdpDatagrams = _meter.CreateCounter<long>("grandambassador.proxy.udp.datagrams", "{datagram}", "UDP datagrams relayed; tagged by direction.");
        UdpDatagramsDropped = _meter.CreateCounter<long>("grandambassador.proxy.udp.datagrams.dropped", "{datagram}", "UDP datagrams dropped: no destination in time, held queue or session table full.");
        UdpSessionsActive = _meter.CreateUpDownCounter<long>("grandambassador.proxy.udp.sessions.active", "{session}", "UDP sessions open.");
    }

    public Counter<long> ConnectionsAccepted { get; }

    public UpDownCounter<long> ConnectionsActive { get; }

    public UpDownCounter<long> Held { get; }

    public Counter<long> ConnectFailures { get; }

    public Counter<long> Bytes { get; }

    public Counter<long> UdpDatagrams { get; }

    public Counter<long> UdpDatagramsDropped { get; }

    public UpDownCounter<long> UdpSessionsActive { get; }

    public void Dispose()
    {
        // A meter from IMeterFactory belongs to the factory, which disposes it with the container.
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
