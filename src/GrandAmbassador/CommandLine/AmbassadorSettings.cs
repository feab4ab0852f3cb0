using System.Collections.Immutable;
using System.Net;
using GrandAmbassador.Configuration;
using GrandAmbassador.Http;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.CommandLine;

/// <summary>Everything the command line (and its environment variables) said, validated.</summary>
internal sealed record AmbassadorSettings(
    ImmutableArray<FrontedService> Services,
    Uri DockerEndpoint,
    IPAddress ListenAddress,
    TimeSpan Wait,
    LogLevel LogLevel,
    Uri? Cluster,
    string ClusterId,
    string HostId,
    string? AdvertiseAddress,
    bool NoAgent,
    int? SiloPort,
    int? GatewayPort,
    HttpSettings Http);
