namespace GrandAmbassador.Contracts.Endpoints;

/// <summary>A container's health as its HEALTHCHECK reports it; <see cref="None"/> when it has none.</summary>
[GenerateSerializer, Alias("ga.ContainerHealth")]
public enum ContainerHealth
{
    None = 0,
    Starting = 1,
    Healthy = 2,
    Unhealthy = 3,
}
