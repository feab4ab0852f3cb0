using System.Collections.Immutable;

namespace GrandAmbassador.Configuration;

/// <summary>What this process fronts. Bound from the command line (or its environment variables).</summary>
internal sealed class AmbassadorOptions
{
    /// <summary>The names to front (<c>--name</c>). Empty: an agent-only silo.</summary>
    public ImmutableArray<FrontedService> Services { get; set; } = [];

    /// <summary>
    /// How often a subscription to a name's grain is renewed (and its snapshot re-read).
    /// Default 30 seconds; the grain forgets an observer after 2 minutes without renewal.
    /// </summary>
    public TimeSpan SubscriptionRenewal { get; set; } = TimeSpan.FromSeconds(30);
}
