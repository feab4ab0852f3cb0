namespace GrandAmbassador.Configuration;

/// <summary>How the followers of the fronted names behave.</summary>
internal sealed class AmbassadorOptions
{
    /// <summary>
    /// How often a subscription to a name's grain is renewed (and its snapshot re-read).
    /// Default 30 seconds; the grain forgets an observer after 2 minutes without renewal.
    /// </summary>
    public TimeSpan SubscriptionRenewal { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// After the silo was replaced, how long a name keeps its routes while its grain answers with no
    /// endpoint at all (it came back empty and the agents have not refilled it yet). Default: 30 seconds,
    /// the agents' lease: every live agent has re-reported by then.
    /// </summary>
    public TimeSpan TakeoverHold { get; set; } = TimeSpan.FromSeconds(30);
}
