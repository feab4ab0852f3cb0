using System.Collections.Frozen;
using GrandAmbassador.Configuration;
using GrandAmbassador.Docker.Watching;
using GrandAmbassador.Security;
using GrandAmbassador.Proxy.Engine;
using GrandAmbassador.Proxy.HostRelay.Mux;
using GrandAmbassador.Proxy.Hosting;
using GrandAmbassador.Proxy.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.DataPlane;

/// <summary>
/// The process-lifetime half of the process: logging, metrics, the clock and the fronted names with
/// their proxies. Built once; every control-plane generation is handed the same instances.
/// </summary>
internal sealed class DataPlaneServices : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private DataPlaneServices(ServiceProvider services, StartupQuiet quiet)
    {
        _services = services;
        StartupQuiet = quiet;
    }

    public IServiceProvider Services => _services;

    public ILoggerFactory LoggerFactory => _services.GetRequiredService<ILoggerFactory>();

    public TimeProvider Time => _services.GetRequiredService<TimeProvider>();

    public FrontedNameRegistry Names => _services.GetRequiredService<FrontedNameRegistry>();

    /// <summary>The containers drained on this host: kept across control-plane generations, as the agent's reports are not.</summary>
    public ContainerDrains Drains => _services.GetRequiredService<ContainerDrains>();

    /// <summary>What this host's agent reports now, whichever generation's agent that is: the relay reads it.</summary>
    public LocalContainerView LocalContainers => _services.GetRequiredService<LocalContainerView>();

    /// <summary>The host relays the proxies failed to reach, until they reach them again: the fronting registration and the page read it.</summary>
    public RelayHealth RelayHealth => _services.GetRequiredService<RelayHealth>();

    /// <summary>Set while a silo starts: the framework's own errors for a failed start are held back.</summary>
    public StartupQuiet StartupQuiet { get; }

    /// <summary>Builds the data plane's services; no side effect on the process (its open-file limit is the runtime's first step).</summary>
    /// <param name="prebound">Sockets bound before the data plane existed, for its listeners to take over.</param>
    public static DataPlaneServices Create(AmbassadorSettings settings, Action<ILoggingBuilder, StartupQuiet> configureLogging, TimeProvider? time = null, PreboundSockets? prebound = null)
    {
        var quiet = new StartupQuiet();
        var services = new ServiceCollection();
        services.AddLogging(logging => configureLogging(logging, quiet));
        services.AddMetrics();
        services.AddSingleton(time ?? TimeProvider.System);
        services.Configure<ProxyOptions>(options =>
        {
            ConfigureProxy(options, settings);
            options.Prebound = prebound ?? options.Prebound;
            // Here, not in ConfigureProxy, which the early listeners' options go through too: one set of links per
            // process, and this host's certificate context built once.
            options.RelayLinks = settings.Security.Tls is { } tls ? new RelayLinks(new RelayTls(tls, TimeProvider.System).Client, options.ConnectAttemptTimeout) : null;
        });
        services.AddGrandAmbassadorProxy();
        services.AddSingleton<Func<string, ServiceProxy>>(provider => provider.GetRequiredService<ServiceProxyFactory>().Create);
        services.AddSingleton<FrontedNameRegistry>();
        services.AddSingleton<ContainerDrains>();
        services.AddSingleton<LocalContainerView>();
        return new DataPlaneServices(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }), quiet);
    }

    /// <summary>The proxies' settings from the command line, configured once, in the data plane's container.</summary>
    public static void ConfigureProxy(ProxyOptions options, AmbassadorSettings settings)
    {
        options.ListenAddress = settings.ListenAddress;
        options.ConnectWait = settings.Wait;
        options.RetryBeforeFirstByteNames = settings.RetryBeforeFirstByte ?? FrozenSet<string>.Empty;
        options.ProxyProtocolNames = settings.ProxyProtocol ?? FrozenDictionary<string, ProxyProtocolVersion>.Empty;
        options.AcceptProxyNames = settings.AcceptProxy ?? FrozenSet<string>.Empty;
        options.Access = settings.Access ?? FrozenDictionary<string, Proxy.Access.AccessPolicy>.Empty;
        options.Splice = settings.Environment.Splice;
        options.SplicePipeSize = settings.Environment.SplicePipeSize ?? options.SplicePipeSize;
        options.DataPath = settings.Environment.DataPath;
        options.EventLoops = settings.Environment.EventLoops ?? options.EventLoops;
        if (settings.ProxyLimits is { } limits)
        {
            options.MaxConnections = limits.MaxConnections;
            options.IdleTimeout = limits.IdleTimeout;
            options.HalfCloseTimeout = limits.HalfCloseTimeout;
            options.DrainTimeout = limits.Drain;
        }
    }

    /// <summary>Closes every proxy, then the logging and metrics.</summary>
    public async ValueTask DisposeAsync()
    {
        await Names.DisposeAsync().ConfigureAwait(false);
        if (_services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ProxyOptions>>().Value.RelayLinks is { } links)
        {
            // After the proxies: their relayed connections were closed with them, and the links to other hosts' relays go last.
            await links.DisposeAsync().ConfigureAwait(false);
        }


        await _services.DisposeAsync().ConfigureAwait(false);
    }
}
