using GrandAmbassador.Proxy.Diagnostics;
using GrandAmbassador.Proxy.Limits;
using GrandAmbassador.Proxy.Routing;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Proxy.Hosting;

/// <summary>
/// What every connection or session of one port shares: its routing state, settings, clock, instruments and
/// logger. Built once by the port's listener and handed to each flow, so that a flow never reaches back into
/// the listener.
/// </summary>
internal sealed class PortContext
{
    public PortContext(ListenPort port, RouteSnapshot snapshot, ProxyOptions options, ProxyLimits limits, TimeProvider timeProvider, ProxyMetrics metrics, string serviceName, ILogger logger)
    {
        Port = port;
        Options = options;
        Limits = limits;
        TimeProvider = timeProvider;
        Metrics = metrics;
        Counts = metrics.Track(serviceName, port);
        Logger = logger;
        Router = new PortRouter(snapshot);
        RetryBeforeFirstByte = port.Protocol == TransportProtocol.Tcp && options.RetryBeforeFirstByteNames.Contains(serviceName);
        Dialer = new BackendDialer(this);
    }

    public ListenPort Port { get; }

    public ProxyOptions Options { get; }

    /// <summary>The process-wide bounds, shared by every port of every proxy one factory builds.</summary>
    public ProxyLimits Limits { get; }

    public TimeProvider TimeProvider { get; }

    public ProxyMetrics Metrics { get; }

    /// <summary>This port's counts, reported by <see cref="Metrics"/> until the port's listener has stopped.</summary>
    public PortCounts Counts { get; }

    public ILogger Logger { get; }

    public PortRouter Router { get; }

    public BackendDialer Dialer { get; }

    /// <summary>
    /// Whether new TCP connections of this port start with a <see cref="Tcp.FirstByteGuard"/>; decided once per port,
    /// so that connections of other names pay one field read for it.
    /// </summary>
    public bool RetryBeforeFirstByte { get; }
}
