using GrandAmbassador.Agent;
using GrandAmbassador.Ambassador;
using GrandAmbassador.Cluster;
using GrandAmbassador.Configuration;
using GrandAmbassador.Docker;
using GrandAmbassador.Docker.Hosting;
using GrandAmbassador.Fronting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using GrandAmbassador.Http;
using Microsoft.AspNetCore.Builder;
using Orleans.Dashboard;

namespace GrandAmbassador.Hosting;

/// <summary>
/// Builds one generation of the restartable control plane: the Orleans silo, the Docker agent and its
/// grain sink, the membership watcher, and a follower per fronted name that steers the data plane's
/// proxy for that name. A silo declared dead ends the generation (<see cref="SiloDeathHandler"/>);
/// the supervisor builds the next one. Anything that must restart with the silo (an HTTP server
/// that calls grains) belongs in <see cref="Configure"/>, on any <see cref="IHostApplicationBuilder"/>.
/// </summary>
internal static class ControlPlaneHost
{
    public static IHost Build(ControlPlaneContext context)
    {
        var http = HttpPortCheck.Resolve(context.Settings.Http, out var defaultInUse);
        if (http.Enabled)
        {
            // The HTTP server restarts with the silo: the API and the dashboard call grains through it.
            var web = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
            Configure(web, context);
            web.AddAmbassadorHttp(http);
            var app = web.Build();
            app.MapAmbassadorHttp();
            return app;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        Configure(builder, context);
        if (defaultInUse is not null)
        {
            builder.Services.AddHostedService(services => ActivatorUtilities.CreateInstance<HttpOffNotice>(services, defaultInUse));
        }

        return builder.Build();
    }

    /// <summary>Adds the control plane's services to <paramref name="builder"/> (a plain host or a web application).</summary>
    public static void Configure(IHostApplicationBuilder builder, ControlPlaneContext context)
    {
        var (settings, dataPlane, generation) = context;
        var advertise = settings.Host.AdvertiseAddress;

        // The data plane's instances: one logging pipeline, one clock, the fronted names and their proxies.
        builder.Logging.ClearProviders();
        builder.Services.Replace(ServiceDescriptor.Singleton(dataPlane.LoggerFactory));
        builder.Services.Replace(ServiceDescriptor.Singleton(dataPlane.Time));
        builder.Services.AddSingleton(dataPlane.Names);
        builder.Services.AddSingleton(dataPlane.RelayHealth);
        builder.Services.Replace(ServiceDescriptor.Singleton<IHostLifetime, SupervisedLifetime>());
        builder.Services.AddSingleton(generation);

        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.Services.AddSingleton(settings.Host);
        builder.Services.Configure<FollowerOptions>(options =>
        {
            options.MaxExposedPorts = settings.MaxExposedPorts;
            options.PreferIpv6 = settings.PreferIpv6;
            options.CrossHost = settings.HostRelay.CrossHost;
        });

        // Registered first, so that the silo is up before the agent reports and the followers subscribe.
        builder.UseOrleans(silo =>
        {
            SiloConfiguration.Configure(silo, settings, advertise);
            // Built as a web application only when the HTTP server runs (see Build): the dashboard comes with it.
            if (builder is WebApplicationBuilder && settings.Http.Dashboard)
            {
                silo.AddDashboard();
            }
        });
        // Orleans registers its FailFast handler with TryAdd; ours stops this generation instead.
        builder.Services.Replace(ServiceDescriptor.Singleton<IFatalErrorHandler, SiloDeathHandler>());
        builder.Services.AddSingleton(settings);
        builder.Services.AddHostedService<StartupBanner>();
        builder.Services.AddSingleton<ClusterChanges>();
        builder.Services.AddHostedService<MembershipWatcher>();

        if (!settings.NoAgent)
        {
            builder.Services.AddSingleton<GrainEndpointSink>();
            builder.Services.AddSingleton<IContainerEndpointSink>(services => services.GetRequiredService<GrainEndpointSink>());
            builder.Services.AddHostedService<ReportAgainOnClusterChange>();
            builder.Services.AddSingleton(dataPlane.Drains);
            builder.Services.AddSingleton(dataPlane.LocalContainers);
            builder.Services.AddHostedService<AgentControlRegistration>();
            builder.Services.AddDockerAgent(options => DockerAgentSettings.Apply(options, settings));
        }

        builder.Services.AddSingleton<AmbassadorMetrics>();
        builder.Services.AddHostedService<AmbassadorService>();
        builder.Services.AddHostedService<FrontingRegistrar>();
    }
}
