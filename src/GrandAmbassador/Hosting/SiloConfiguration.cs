using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using System.Net;
using GrandAmbassador.CommandLine;
using GrandAmbassador.Grains.Endpoints;
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
            silo.UseLocalhostClustering(
                siloPort: settings.SiloPort ?? FreePorts.Next(),
                gatewayPort: settings.GatewayPort ?? FreePorts.Next(),
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
            silo.ConfigureEndpoints(
                IPAddress.Parse(advertiseAddress),
                settings.SiloPort ?? 11111,
                settings.GatewayPort ?? 30000,
                listenOnAnyHostAddress: true);
        }

        silo.Services.AddOptions<ContainerEndpointGrainOptions>();
    }
}
