using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.Proxy.Diagnostics;

/// <summary>
/// What one port of one fronted name has counted. The flows add to it; <see cref="ProxyMetrics"/> reports it,
/// tagged with <c>name</c> and <c>port</c>, for as long as the port is open, so that a name removed at run time
/// leaves no series behind. Each count is an interlocked add: recording allocates nothing and takes no lock.
/// </summary>
internal sealed class PortCounts(string name, ListenPort port)
{
    public KeyValuePair<string, object?> Name { get; } = new("name", name);

    public KeyValuePair<string, object?> Port { get; } = new("port", port.ToString());

    public MetricCount ConnectionsAccepted { get; } = new();

    public MetricCount ConnectionsActive { get; } = new();

    public MetricCount Held { get; } = new();

    public MetricCount HeldEvicted { get; } = new();

    public MetricCount ConnectionLimitReached { get; } = new();

    public MetricCount AcceptFailures { get; } = new();

    public MetricCount TimedOutIdle { get; } = new();

    public MetricCount TimedOutHalfClose { get; } = new();

    public MetricCount ConnectFailures { get; } = new();

    public MetricCount RetriedBeforeFirstByte { get; } = new();

    public MetricCount BytesUpstream { get; } = new();

    public MetricCount BytesDownstream { get; } = new();

    public MetricCount SplicedUpstream { get; } = new();

    public MetricCount SplicedDownstream { get; } = new();

    public MetricCount ProxyHeaderMissing { get; } = new();

    public MetricCount ProxyHeaderMalformed { get; } = new();

    public MetricCount ProxyHeaderTimedOut { get; } = new();

    public MetricCount ProxyHeaderEnded { get; } = new();

    public MetricCount RefusedNotAllowed { get; } = new();

    public MetricCount RefusedPerClientLimit { get; } = new();

    public MetricCount RefusedRateLimit { get; } = new();

    public MetricCount RefusedTooManyClients { get; } = new();

    /// <summary>The count of connections refused for <paramref name="reason"/> by the name's access settings.</summary>
    public MetricCount Refused(Access.AccessRefusal reason) => reason switch
    {
        Access.AccessRefusal.NotAllowed => RefusedNotAllowed,
        Access.AccessRefusal.TooManyConnections => RefusedPerClientLimit,
        Access.AccessRefusal.RateLimited => RefusedRateLimit,
        _ => RefusedTooManyClients,
    };

    public MetricCount UdpDatagramsUpstream { get; } = new();

    public MetricCount UdpDatagramsDownstream { get; } = new();

    public MetricCount UdpDatagramsDropped { get; } = new();

    public MetricCount UdpSessionsOpened { get; } = new();

    public MetricCount UdpSessionsActive { get; } = new();

    public MetricCount UdpSessionsEvicted { get; } = new();
}
