using GrandAmbassador.Docker.Connection;
using GrandAmbassador.Docker.Watching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GrandAmbassador.Docker.Hosting;

/// <summary>Registers the Docker agent. The host registers the <see cref="IContainerEndpointSink"/> it reports to.</summary>
public static class DockerAgentServiceCollectionExtensions
{
    /// <summary>Adds the agent with options set by <paramref name="configure"/>.</summary>
    public static IServiceCollection AddDockerAgent(this IServiceCollection services, Action<DockerAgentOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<DockerAgentOptions>().Configure(configure);
        return services.AddDockerAgentCore();
    }

    private static IServiceCollection AddDockerAgentCore(this IServiceCollection services)
    {
        services.AddOptions<DockerAgentOptions>()
            .Validate(o => !string.IsNullOrWhiteSpace(o.HostId), "DockerAgent:HostId must not be empty.")
            .Validate(o => o.ReconcileInterval > TimeSpan.Zero, "DockerAgent:ReconcileInterval must be positive.")
            .Validate(o => o.FullSweepInterval > TimeSpan.Zero, "DockerAgent:FullSweepInterval must be positive.")
            .Validate(o => o.ReconnectMinDelay > TimeSpan.Zero && o.ReconnectMinDelay <= o.ReconnectMaxDelay,
                "DockerAgent:ReconnectMinDelay must be positive and not above ReconnectMaxDelay.")
            .Validate(o => o.RequestTimeout > TimeSpan.Zero, "DockerAgent:RequestTimeout must be positive.")
            .Validate(o => o.StaleEndpointLifetime >= TimeSpan.Zero, "DockerAgent:StaleEndpointLifetime must not be negative.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DockerClientFactory>();
        services.TryAddSingleton<DockerAgentState>();
        services.TryAddSingleton<ContainerDrains>();
        services.TryAddSingleton<LocalContainerView>();
        // The agent's memory of what it reported: the host's sink reads it (re-reports, its names), keeping none of its own.
        services.TryAddSingleton<KnownContainers>();
        services.AddHostedService<DockerAgent>();
        return services;
    }
}
