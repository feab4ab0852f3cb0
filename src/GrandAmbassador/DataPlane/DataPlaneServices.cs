using GrandAmbassador.Configuration;
using GrandAmbassador.Proxy.Hosting;
using GrandAmbassador.Proxy.Limits;
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

    private DataPlaneServices(ServiceProvider services) => _services = services;

    public IServiceProvider Services => _services;

    public ILoggerFactory LoggerFactory => _services.GetRequiredService<ILoggerFactory>();

    public TimeProvider Time => _services.GetRequiredService<TimeProvider>();

    public FrontedNameRegistry Names => _services.GetRequiredService<FrontedNameRegistry>();

    public static DataPlaneServices Create(AmbassadorSettings settings, Action<ILoggingBuilder> configureLogging, TimeProvider? time = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(configureLogging);
        services.AddMetrics();
        services.AddSingleton(time ?? TimeProvider.System);
        // Before anything reads it: the default connection limit is derived from the soft open-file limit.
        var openFiles = ProcessLimits.RaiseOpenFilesToHardLimit();
        services.Configure<ProxyOptions>(options => ConfigureProxy(options, settings));
        services.AddGrandAmbassadorProxy();
        services.AddSingleton<Func<string, ServiceProxy>>(provider => provider.GetRequiredService<ServiceProxyFactory>().Create);
        services.AddSingleton<FrontedNameRegistry>();
        var dataPlane = new DataPlaneServices(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }));
        if (openFiles is { } limit)
        {
            OpenFilesLog.OpenFiles(dataPlane.LoggerFactory.CreateLogger("GrandAmbassador.DataPlane"), limit);
        }

        return dataPlane;
    }

    /// <summary>The proxies' settings from the command line: one place, read by both halves of the process.</summary>
    public static void ConfigureProxy(ProxyOptions options, AmbassadorSettings settings)
    {
        options.ListenAddress = settings.ListenAddress;
        options.ConnectWait = settings.Wait;
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
        await _services.DisposeAsync().ConfigureAwait(false);
    }
}
