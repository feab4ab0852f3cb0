using GrandAmbassador.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace GrandAmbassador.Hosting;

/// <summary>Says once, at start, who this process is and where its silo listens (what `status` needs).</summary>
internal sealed class StartupBanner(
    AmbassadorSettings settings,
    IOptions<EndpointOptions> endpoints,
    ILogger<StartupBanner> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        HostingLog.Started(
            logger,
            settings.Host.HostId,
            settings.Cluster is null ? "single host" : $"cluster {settings.ClusterId} via {settings.Cluster.Host}:{settings.Cluster.Port}",
            endpoints.Value.SiloPort,
            endpoints.Value.GatewayPort,
            settings.NoAgent ? "none (--no-agent)" : settings.DockerEndpoint.ToString(),
            settings.Services.Length == 0 ? "none (this host only reports its containers to the cluster; --name NAME fronts one, or POST /api/names/NAME)" : string.Join(", ", settings.Services.Select(service => service.Name)));
        HostingLog.Advertising(logger, settings.Host.AdvertiseAddress, settings.Host.AdvertiseChoice);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
