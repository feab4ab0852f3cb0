using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using System.Net;
using GrandAmbassador.Configuration;
using GrandAmbassador.Grains.Endpoints;
using GrandAmbassador.Grains.Hosting;
using GrandAmbassador.Security;
using Orleans.Configuration;

namespace GrandAmbassador.Hosting;

/// <summary>The silo: embedded (one silo, localhost clustering) or a member of a Redis-clustered cluster.</summary>
internal static class SiloConfiguration
{
    public const string ServiceId = "grand-ambassador";

    public static void Configure(ISiloBuilder silo, AmbassadorSettings settings, string advertiseAddress)
    {
        if (settings.Cluster is null)
        {
            // Orleans' usual ports when free, so that `status` finds the first instance without
            // being told; free ones otherwise, so that a second instance never collides.
            silo.UseLocalhostClustering(
                siloPort: settings.SiloPort ?? FreePorts.PreferOr(11111),
                gatewayPort: settings.GatewayPort ?? FreePorts.PreferOr(30000),
                serviceId: ServiceId,
                clusterId: settings.ClusterId);
        }
        else
        {
            // A loopback address is refused before this (ClusterStartupChecks).
            var advertised = IPAddress.Parse(advertiseAddress);
            var redis = RedisClusterUri.ToConfigurationOptions(settings.Cluster, settings.Security.RedisCaFile);
            silo.UseRedisClustering(options => options.ConfigurationOptions = redis);
            silo.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = settings.ClusterId;
                options.ServiceId = ServiceId;
            });
            silo.Configure<ClusterMembershipOptions>(FastFailureDetection.Apply);
            // The host id is the silo's name in the membership table: HostIdClaim finds a live holder there.
            silo.Configure<SiloOptions>(options => options.SiloName = settings.Host.HostId);
            // On the advertised address only, unless told: a second interface (a public one) exposes nothing.
            silo.ConfigureEndpoints(
                advertised,
                settings.SiloPort ?? 11111,
                settings.GatewayPort ?? 30000,
                listenOnAnyHostAddress: settings.Security.ClusterListenAny);
        }

        // Orleans clients (status) may read; only silos change routing.
        silo.AddIncomingGrainCallFilter<SilosOnlyFilter>();
        ClusterSecurityNotice.Register(silo.Services, settings.Security.Tls, clustered: settings.Cluster is not null);
        if (settings.Security.Tls is { } tls)
        {
            ClusterSecurity.ConfigureSilo(silo, tls);
        }

        silo.Services.AddOptions<ContainerEndpointGrainOptions>();
    }
}
