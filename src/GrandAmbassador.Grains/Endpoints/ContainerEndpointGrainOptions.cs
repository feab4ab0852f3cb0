namespace GrandAmbassador.Grains.Endpoints;

/// <summary>Tuning of <see cref="ContainerEndpointGrain"/>.</summary>
public sealed class ContainerEndpointGrainOptions
{
    /// <summary>
    /// How long an observer stays subscribed without renewing. Default 2 minutes: subscribers renew
    /// every 30 seconds, so three renewals can be lost before one is dropped.
    /// </summary>
    public TimeSpan ObserverExpiry { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often expired leases are swept so that observers hear of them. Default 1 second.</summary>
    public TimeSpan LeaseSweepInterval { get; set; } = TimeSpan.FromSeconds(1);
}
