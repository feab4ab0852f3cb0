using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using System.Net;
using GrandAmbassador.Configuration;
using GrandAmbassador.Grains.Endpoints;
using GrandAmbassador.Grains.Hosting;
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
            silo.UseRedisClustering(options => options.ConfigurationOptions = RedisClusterUri.ToConfigurationOptions(settings.Cluster));
            silo.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = settings.ClusterId;
                options.ServiceId = ServiceId;
            });
            silo.Configure<ClusterMembershipOptions>(FastFailureDetection.Apply);
            silo.ConfigureEndpoints(
                IPAddress.Parse(advertiseAddress),
                settings.SiloPort ?? 11111,
                settings.GatewayPort ?? 30000,
                listenOnAnyHostAddress: true);
        }

        silo.Services.AddOptions<ContainerEndpointGrainOptions>();
    }
}
