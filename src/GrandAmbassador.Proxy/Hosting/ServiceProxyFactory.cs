using System.Diagnostics.Metrics;
using GrandAmbassador.Proxy.Diagnostics;
using GrandAmbassador.Proxy.Engine;
using GrandAmbassador.Proxy.Limits;
using GrandAmbassador.Proxy.Tcp;
using GrandAmbassador.Proxy.Udp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GrandAmbassador.Proxy.Hosting;

/// <summary>
/// Builds the <see cref="ServiceProxy"/> of each fronted name. One per process (registered by
/// <see cref="ProxyServiceCollectionExtensions.AddGrandAmbassadorProxy"/>): every proxy it builds shares its
/// settings, clock, instruments and the process-wide limits.
/// </summary>
internal sealed class ServiceProxyFactory : IDisposable
{
    private static readonly PortListenerStart Tcp = new(typeof(TcpPortListener), TcpPortListener.Start);
    private static readonly PortListenerStart Udp = new(typeof(UdpPortListener), UdpPortListener.Start);
    private readonly ProxyOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _timeProvider;
    private readonly ProxyMetrics _metrics;
    private readonly ProxyLimits _limits;
    private readonly RelayHealth _relayHealth;

    /// <param name="options">Validated here, once, rather than per proxy.</param>
    /// <param name="loggerFactory">Each listener logs under its own category.</param>
    /// <param name="timeProvider">Tests pass a fake clock.</param>
    /// <param name="meterFactory">The host's; <see langword="null"/> makes a meter of our own (tests).</param>
    /// <param name="relayHealth">The host's (status reads it); <see langword="null"/> makes one of our own (tests).</param>
    public ServiceProxyFactory(
        IOptions<ProxyOptions> options, ILoggerFactory loggerFactory, TimeProvider timeProvider, IMeterFactory? meterFactory = null, RelayHealth? relayHealth = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options.Value;
        _options.Validate();
        _loggerFactory = loggerFactory;
        _timeProvider = timeProvider;
        _metrics = new ProxyMetrics(meterFactory);
        _relayHealth = relayHealth ?? new RelayHealth(timeProvider);
        _limits = new ProxyLimits(_options.MaxConnections, _options.MaxHeldConnections, _options.MaxHeldUdpBytes, loggerFactory.CreateLogger<ProxyLimits>());
    }

    /// <summary>The process-wide bounds every proxy from this factory shares; for tests and diagnostics.</summary>
    internal ProxyLimits Limits => _limits;

    /// <summary>The instruments every proxy from this factory reports to; the host relay counts its connections there too.</summary>
    internal ProxyMetrics Metrics => _metrics;

    /// <summary>A proxy for <paramref name="serviceName"/> with no ports yet.</summary>
    public ServiceProxy Create(string serviceName) => new(serviceName, _options, _limits, _loggerFactory, _timeProvider, _metrics, Tcp, Udp, _relayHealth);

    public void Dispose() => _metrics.Dispose();
}
