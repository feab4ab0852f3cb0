using GrandAmbassador.Configuration;

namespace GrandAmbassador.Ambassador;

/// <summary>Where this ambassador stands: its host, the networks it can reach directly, and how many
/// listeners a name may open from the ports its containers expose (explicit --port mappings are exempt), and whether a
/// container on this host is dialled at IPv6 first (--prefer-ipv6), and how a container on another host is reached (--cross-host).</summary>
internal sealed record RouteContext(
    string HostId,
    LocalNetworks Networks,
    int MaxExposedPorts = FollowerOptions.DefaultMaxExposedPorts,
    bool PreferIpv6 = false,
    CrossHostRoute CrossHost = CrossHostRoute.Auto);
