using GrandAmbassador.Agent;
using GrandAmbassador.Ambassador;
using GrandAmbassador.Cluster;
using GrandAmbassador.CommandLine;
using GrandAmbassador.Configuration;
using GrandAmbassador.Docker;
using GrandAmbassador.Docker.Hosting;
using GrandAmbassador.Proxy.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Hosting;

/// <summary>Wires one process: the silo, the Docker agent that feeds it, and the proxies that follow it.</summary>
internal static class AmbassadorHostBuilder
{
    public static IHost Build(AmbassadorSettings settings, Action<ILoggingBuilder>? configureLogging = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        ConfigureLogging(builder.Logging, settings.LogLevel);
        configureLogging?.Invoke(builder.Logging);
        var advertise = settings.AdvertiseAddress ?? AdvertiseAddressResolver.Resolve() ?? "127.0.0.1";

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.Services.Configure<HostIdentityOptions>(options =>
        {
            options.HostId = settings.HostId;
            options.AdvertiseAddress = advertise;
        });
        builder.Services.Configure<AmbassadorOptions>(options => options.Services = settings.Services);
        builder.Services.AddGrandAmbassadorProxy();
        builder.Services.Configure<ProxyOptions>(options =>
        {
            options.ListenAddress = settings.ListenAddress;
            options.ConnectWait = settings.Wait;
        });

        // Registered first, so that the silo is up before the agent reports and the followers subscribe.
        builder.UseOrleans(silo => SiloConfiguration.Configure(silo, settings, advertise));
        builder.Services.AddSingleton(settings);
        builder.Services.AddHostedService<StartupBanner>();
        builder.Services.AddSingleton<ClusterChanges>();
        builder.Services.AddHostedService<MembershipWatcher>();

        if (!settings.NoAgent)
        {
            builder.Services.AddSingleton<GrainEndpointSink>();
            builder.Services.AddSingleton<IContainerEndpointSink>(services => services.GetRequiredService<GrainEndpointSink>());
            builder.Services.AddHostedService<ReportAgainOnClusterChange>();
            builder.Services.AddDockerAgent(options =>
            {
                options.Endpoint = settings.DockerEndpoint;
                options.HostId = settings.HostId;
                options.AdvertiseAddress = advertise;
            });
        }

        if (settings.Services.Length > 0)
        {
            builder.Services.AddHostedService<AmbassadorService>();
        }

        return builder.Build();
    }

    private static void ConfigureLogging(ILoggingBuilder logging, LogLevel level)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
            console.UseUtcTimestamp = true;
        });
        logging.SetMinimumLevel(level);
        // Orleans and the host are chatty at Information: they speak up only when asked for debug.
        var frameworkLevel = level <= LogLevel.Debug ? level : LogLevel.Warning;
        logging.AddFilter("Orleans", frameworkLevel);
        logging.AddFilter("Microsoft", frameworkLevel);
        logging.AddFilter("Polly", frameworkLevel);
        // Start-up notes (GC mode, a slow first health check) that an operator cannot act on.
        logging.AddFilter("Orleans.Runtime.Silo", level <= LogLevel.Debug ? level : LogLevel.Error);
        logging.AddFilter("Orleans.Runtime.Watchdog", level <= LogLevel.Debug ? level : LogLevel.Error);
    }
}
