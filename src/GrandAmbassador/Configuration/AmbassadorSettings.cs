using System.Collections.Immutable;
using System.Net;
using GrandAmbassador.Proxy.Routing;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Configuration;

/// <summary>
/// Everything the command line (and its environment variables) said, validated: what the hosting side
/// is built from. It lives here, not in CommandLine, so that Hosting never depends on CommandLine.
/// <see cref="RetryBeforeFirstByte"/> holds the fronted names with <c>--retry-before-first-byte</c>,
/// <see cref="ProxyProtocol"/> those with <c>--proxy-protocol</c> and their version, <see cref="AcceptProxy"/> those
/// with <c>--accept-proxy</c>; null: none.
/// <see cref="Access"/> holds the access policy of each fronted name that has one (<c>--allow</c> and the per-client
/// limits); null: none. <see cref="PreferIpv6"/>: dial containers on this host at IPv6 first.
/// <see cref="Tuning"/>: what the environment says beside the options (splice, the engine's TLS files).
/// <see cref="Relay"/>: the host relay (<c>--relay-port</c>, <c>--relay-insecure</c>, <c>--cross-host</c>); null: the defaults.
/// </summary>
internal sealed record AmbassadorSettings(
    ImmutableArray<FrontedService> Services,
    Uri DockerEndpoint,
    IPAddress ListenAddress,
    TimeSpan Wait,
    LogLevel LogLevel,
    Uri? Cluster,
    string ClusterId,
    HostIdentity Host,
    bool NoAgent,
    int? SiloPort,
    int? GatewayPort,
    HttpSettings Http,
    SecuritySettings Security,
    ProxyLimitSettings? ProxyLimits = null,
    int MaxExposedPorts = FollowerOptions.DefaultMaxExposedPorts,
    IReadOnlySet<string>? RetryBeforeFirstByte = null,
    IReadOnlyDictionary<string, ProxyProtocolVersion>? ProxyProtocol = null,
    IReadOnlySet<string>? AcceptProxy = null,
    IReadOnlyDictionary<string, Proxy.Access.AccessPolicy>? Access = null,
    bool PreferIpv6 = false,
    EnvironmentTuning? Tuning = null,
    RelaySettings? Relay = null)
{
    /// <summary>The relay's settings; <see cref="RelaySettings.Default"/> when none were given (tests).</summary>
    public RelaySettings HostRelay => Relay ?? RelaySettings.Default;

    /// <summary>Whether this process runs a relay for the containers its agent reports.</summary>
    public bool RunsRelay => HostRelay.RunsOn(this);

    /// <summary>The environment's tuning; <see cref="EnvironmentTuning.None"/> when the settings were built without it (tests).</summary>
    public EnvironmentTuning Environment => Tuning ?? EnvironmentTuning.None;
}
