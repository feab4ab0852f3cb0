namespace GrandAmbassador.Grains.Endpoints;

/// <summary>Tuning of <see cref="ContainerEndpointGrain"/>.</summary>
public sealed class ContainerEndpointGrainOptions
{
    /// <summary>
    /// How long an observer stays subscribed without renewing. Default 10 minutes: subscribers renew
    /// every 3 minutes (<c>FollowerOptions.SubscriptionRenewal</c>), so three renewals can be lost before
    /// one is dropped. Renewals are rare because every change is pushed to observers already.
    /// </summary>
    public TimeSpan ObserverExpiry { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a removed container stays in <c>EndpointSet.Gone</c>, so that a subscriber that
    /// missed the notification still learns to close its connections at its next renewal.
    /// Default 10 minutes, as <see cref="ObserverExpiry"/>: subscribers renew every 3 minutes, so one
    /// that missed the removal learns it even if two more renewals are lost.
    /// </summary>
    public TimeSpan TombstoneLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The longest a new activation's snapshots stay incomplete while it waits for hosts the
    /// directory lists for its name to report. Default 5 seconds: every live agent reports again at
    /// once when membership changes (which is what moves a grain), so a new activation hears from the
    /// live hosts within a second or two; a host that never reports is usually the dead one, and until
    /// the deadline its endpoints still get new connections. A live host slower than this only misses
    /// new connections until it reports; its open ones stay (only evidence closes a connection,
    /// docs/architecture.md#only-evidence-closes-a-connection).
    /// </summary>
    public TimeSpan CompletenessTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a new activation asks the host directory whom to wait for. Default 2 seconds: a
    /// healthy directory answers in milliseconds; without an answer the activation waits for
    /// <see cref="CompletenessTimeout"/> instead, and subscribers are not held behind it.
    /// </summary>
    public TimeSpan DirectoryTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
