using GrandAmbassador.Proxy.Access;
using GrandAmbassador.Proxy.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using GrandAmbassador.Proxy.Limits;
using GrandAmbassador.Proxy.ProxyProtocol;
using GrandAmbassador.Proxy.Routing;
using Microsoft.Extensions.Logging;

using GrandAmbassador.Proxy.EventLoops;

namespace GrandAmbassador.Proxy.Engine;

/// <summary>
/// What every connection or session of one port shares: its routing state, settings, clock, instruments and
/// logger. Built once per port by its <see cref="ServiceProxy"/> when it opens the port, handed to the port's
/// <see cref="PortListener"/> and by it to each flow, so that a flow never reaches back into the listener.
/// </summary>
internal sealed class PortContext
{
    public PortContext(ListenPort port, RouteSnapshot snapshot, ProxyOptions options, ProxyLimits limits, TimeProvider timeProvider, ProxyMetrics metrics, string serviceName, ILogger logger, ClientAccess access, RelayHealth relayHealth)
    {
        Access = access;
        RelayHealth = relayHealth;
        Port = port;
        Options = options;
        Limits = limits;
        TimeProvider = timeProvider;
        Metrics = metrics;
        Counts = metrics.Track(serviceName, port);
        Logger = logger;
        Router = new PortRouter(snapshot);
        RetryBeforeFirstByte = port.Protocol == TransportProtocol.Tcp && options.RetryBeforeFirstByteNames.Contains(serviceName);
        var tcp = port.Protocol == TransportProtocol.Tcp;
        Loops = options.DataPath == DataPath.EventLoop ? EventLoopGroup.Shared(options.EventLoops, options.BufferSize, logger) : null;
        Dialer = new BackendDialer(this);

        // v1 has no form for a datagram: a UDP port of a v1 name sends none (docs/client-addresses.md).
        ProxyProtocol = options.ProxyProtocolNames.TryGetValue(serviceName, out var version) && (tcp || version == ProxyProtocolVersion.V2)
            ? version
            : ProxyProtocolVersion.None;
        if (tcp && options.AcceptProxyNames.Contains(serviceName))
        {
            ProxyHeaderRefusals = new ProxyHeaderRefusals(port, Counts, timeProvider, logger);
        }
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
    /// The event loops that connect and relay this port's TCP connections, or receive and send its datagrams
    /// (<see cref="ProxyOptions.DataPath"/>); <see langword="null"/> for the sockets path (chosen, or where the loops are
    /// not available).
    /// </summary>
    public EventLoopGroup? Loops { get; }

    /// <summary>The process's record of host relays that failed, which the dialer keeps for status and the page.</summary>
    public RelayHealth RelayHealth { get; }

    /// <summary>The name's access control, shared by its ports; a name without any pays one <see cref="ClientAccess.IsOpen"/> read per connection.</summary>
    public ClientAccess Access { get; }

    /// <summary>
    /// Whether new TCP connections of this port start with a <see cref="Tcp.FirstByteGuard"/>; decided once per port,
    /// so that connections of other names pay one field read for it.
    /// </summary>
    public bool RetryBeforeFirstByte { get; }

    /// <summary>
    /// The PROXY protocol header this port's backends get whatever their container's label says
    /// (<see cref="ProxyOptions.ProxyProtocolNames"/>); <see cref="ProxyProtocolVersion.None"/> defers to the label.
    /// </summary>
    public ProxyProtocolVersion ProxyProtocol { get; }

    /// <summary>Whether this port's clients must start with a PROXY header (<see cref="ProxyOptions.AcceptProxyNames"/>), TCP only.</summary>
    [MemberNotNullWhen(true, nameof(ProxyHeaderRefusals))]
    public bool AcceptProxy => ProxyHeaderRefusals is not null;

    /// <summary>Counts and logs the connections closed for their header; only for ports that <see cref="AcceptProxy"/>.</summary>
    public ProxyHeaderRefusals? ProxyHeaderRefusals { get; }
}
