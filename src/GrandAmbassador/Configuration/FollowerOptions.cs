namespace GrandAmbassador.Configuration;

/// <summary>How the followers of the fronted names behave.</summary>
internal sealed class FollowerOptions
{
    /// <summary>Enough for any real service's ports; a container with <c>--expose 1-65535/udp</c> would
    /// otherwise open 65,535 listeners on every host that fronts its name.</summary>
    public const int DefaultMaxExposedPorts = 100;

    /// <summary>
    /// How often a subscription to a name's grain is renewed. Default 3 minutes: the grain pushes every
    /// change to its observers, and a follower subscribes again in full at every membership change, so a
    /// renewal only covers a lost notification or an observer the grain dropped; it says which snapshot
    /// the follower holds and gets one back only if the grain has another, so at rest it costs one small
    /// call per name and follower. The grain forgets an observer after 10 minutes without renewal
    /// (<c>ContainerEndpointGrainOptions.ObserverExpiry</c>): three renewals can be lost.
    /// </summary>
    public TimeSpan SubscriptionRenewal { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>
    /// How long one subscribe call may take before it is abandoned and made again. Default 5 seconds:
    /// a healthy grain answers in milliseconds, and a new activation asks the host directory first
    /// (bounded at 2 s); a call sent to a silo that just died would otherwise wait Orleans' 30 s
    /// response timeout while the name still routes to the dead host.
    /// </summary>
    public TimeSpan SubscribeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The first wait after a failed subscribe; it doubles, with jitter, up to <see cref="SubscribeRetryMaxDelay"/>.</summary>
    public TimeSpan SubscribeRetryMinDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between failed subscribes. Default 15 seconds.</summary>
    public TimeSpan SubscribeRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// After the silo was replaced, how long a name keeps its routes while its grain answers with no
    /// endpoint at all (it came back empty and the agents have not refilled it yet). Default: 30 seconds,
    /// the agents' lease: every live agent has re-reported by then.
    /// </summary>
    public TimeSpan TakeoverHold { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many listeners a name may open from the ports its containers expose (--max-exposed-ports);
    /// explicit --port mappings are exempt. Default 100.
    /// </summary>
    public int MaxExposedPorts { get; set; } = DefaultMaxExposedPorts;

    /// <summary>Dial a container on this host at its IPv6 address before its IPv4 one (<c>--prefer-ipv6</c>). Default: IPv4 first.</summary>
    public bool PreferIpv6 { get; set; }

    /// <summary>How a container on another host is reached (<c>--cross-host</c>).</summary>
    public CrossHostRoute CrossHost { get; set; } = CrossHostRoute.Auto;
}
