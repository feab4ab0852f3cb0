using System.CommandLine;
using System.Net;
using GrandAmbassador.Configuration;
using GrandAmbassador.Security;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.CommandLine;

/// <summary>
/// The options of the main command, each with its environment variable named in its help. A single value is typed and
/// parsed at parse time (<see cref="TypedOption"/>); a list stays text for the reader that knows its structure.
/// </summary>
internal sealed class MainCommandOptions
{
    public Option<string[]> Name { get; } = List(
        "--name", "NAME", "Front the container NAME (repeatable; the original's -name spelling works too). A container labelled grand-ambassador.name=NAME answers to NAME too.");

    // DOCKER_HOST is read by the same parser: a bad one is "--docker …", the option it stands in for.
    public Option<Uri> Docker { get; } = TypedOption.Create(
        "--docker", "URI",
        "The Docker engine: unix:///path or tcp://host:port (TLS from DOCKER_CERT_PATH/DOCKER_TLS_VERIFY, as the docker CLI).",
        OptionParsers.DockerUri,
        () => new Uri("unix:///var/run/docker.sock"),
        "$DOCKER_HOST when set",
        () => EnvironmentDefaults.Get("--docker") ?? (Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : null));

    public Option<IPAddress> Listen { get; } = TypedOption.Create(
        "--listen", "ADDR", "The address the proxies listen on.", OptionParsers.Address("--listen", "0.0.0.0, ::, ::1 or [::1]"), () => IPAddress.Any, null);

    public Option<string[]> Port { get; } = List(
        "--port", "[NAME=]LISTEN[:TARGET][/tcp|/udp]",
        "Proxy only these ports: listen on LISTEN, forward to the target's TARGET (default LISTEN), tcp unless /udp. NAME= is needed when several names are fronted. Default: every port the target exposes, same number.");

    public Option<TimeSpan> Wait { get; } = TypedOption.Create(
        "--wait", "SECONDS", "How long a new connection is held while no target is up, before it is closed.",
        OptionParsers.Seconds("--wait", min: 0, max: 86_400), () => TimeSpan.FromSeconds(30), null);

    public Option<string[]> RetryBeforeFirstByte { get; } = List(
        "--retry-before-first-byte", "NAME",
        "For the fronted name NAME (repeatable): when a backend resets or closes a new TCP connection before its first byte, within 2 s, replay the client's bytes so far (16 KiB at most) to another target. Only for protocols where a repeated request is harmless (see docs/behaviour.md).");

    public Option<string[]> ProxyProtocol { get; } = List(
        "--proxy-protocol", "NAME=v1|v2",
        "Send the targets of the fronted name NAME a PROXY protocol header naming the client, before its first byte (repeatable): v1 or v2 on TCP; v2 also on UDP, one header per datagram. A container labelled grand-ambassador.proxy-protocol=v1|v2 asks for it itself. See docs/client-addresses.md.");

    public Option<string[]> AcceptProxy { get; } = List(
        "--accept-proxy", "NAME",
        "The clients of the fronted name NAME come through a load balancer that sends a PROXY protocol header (v1 or v2): the client it names is the client. A TCP connection without a valid header within 5 s is closed, never forwarded (repeatable).");
    public Option<string[]> Allow { get; } = List(
        "--allow", "[NAME=]CIDR[,CIDR...]",
        "Only clients from these networks (IPv4 or IPv6, e.g. 10.0.0.0/8 or fd00::/64) may connect to NAME (repeatable; without NAME=, every fronted name); others are reset at once, counted and logged once a minute per client. A container label grand-ambassador.allow does the same for its name where this says nothing.");

    public Option<string[]> MaxConnectionsPerClient { get; } = List(
        "--max-connections-per-client", "[NAME=]N",
        "At most N open connections (UDP: sessions) per client address for NAME (without NAME=, every name); past it a new one from that client is reset at once, everyone else is served. 0: no limit.");

    public Option<string[]> ConnectionRatePerClient { get; } = List(
        "--connection-rate-per-client", "[NAME=]N/s[:BURST]",
        "At most N new connections (UDP: sessions) a second (or N/m a minute) per client address for NAME, BURST at once after a quiet spell (default: one second's worth); past it new ones from that client are reset at once. off: no limit.");

    public Option<bool> PreferIpv6 { get; } = Flag(
        "--prefer-ipv6", "Dial a container on this host at its IPv6 address (Docker's GlobalIPv6Address) before its IPv4 one. Without it IPv4 comes first, and a container with only IPv6 is dialled at IPv6 anyway.");

    public Option<LogLevel> LogLevel { get; } = TypedOption.Create(
        "--log-level", "LEVEL", "trace, debug, information, warning or error.", OptionParsers.LogLevel, () => Microsoft.Extensions.Logging.LogLevel.Information, null);

    public Option<Uri?> Cluster { get; } = TypedOption.Create<Uri?>(
        "--cluster", RedisClusterUri.Form, "Join a multi-host cluster through Redis (prefer --cluster-file: a password here shows in the process list). Without it: a single-host cluster of one silo.",
        ClusterUrlReader.ParseUrl, () => null, null);

    public Option<string> ClusterId { get; } = TypedOption.Create(
        "--cluster-id", "ID", "Silos with the same id (and Redis) form one cluster.", OptionParsers.NonEmpty("--cluster-id"), () => "grand-ambassador", null);

    public Option<string> HostId { get; } = TypedOption.Create(
        "--host-id", "ID", "This host's name in the cluster.", OptionParsers.NonEmpty("--host-id"), () => Environment.MachineName, null);

    public Option<IPAddress?> Advertise { get; } = TypedOption.Create<IPAddress?>(
        "--advertise", "ADDR", "The address other hosts use to reach this host (its silo and published ports).",
        OptionParsers.Address("--advertise", "10.0.0.5, fd00::5 or [fd00::5]"), () => null, "default: the first non-loopback IPv4 address");

    public Option<bool> NoAgent { get; } = Flag("--no-agent", "Do not watch a Docker engine here: only proxy.");

    public Option<int?> SiloPort { get; } = TypedOption.Create(
        "--silo-port", "PORT", "Silo-to-silo port.", OptionParsers.Port("--silo-port"), () => null, "default: 11111 with --cluster, a free port otherwise");

    public Option<int?> GatewayPort { get; } = TypedOption.Create(
        "--gateway-port", "PORT", "Port for Orleans clients such as 'status'.", OptionParsers.Port("--gateway-port"), () => null, "default: 30000 with --cluster, a free port otherwise");

    public SecurityOptionSet Security { get; } = new();

    public Option<int?> RelayPort { get; } = TypedOption.Create(
        "--relay-port", "PORT",
        "The relay's port on --advertise (every address with --cluster-listen-any): ambassadors on other hosts reach this host's containers through it, published or not, over the cluster's mutual TLS. Runs with --cluster and the agent, when TLS is on or --relay-insecure is given.",
        OptionParsers.Port("--relay-port"), () => null, $"default: {RelaySettings.DefaultPort}");

    public Option<bool> RelayInsecure { get; } = Flag(
        "--relay-insecure", "Run the relay without cluster TLS: anyone who reaches its port can then reach every container this host's agent reports. For a lab or a private network only.");

    public Option<CrossHostRoute> CrossHost { get; } = TypedOption.Create(
        "--cross-host", "auto|published|relay",
        "How a container on another host is reached: auto, at a port it publishes when it has one, else through its host's relay; published, only at a published port; relay, always through the relay (with TLS nothing fronted crosses the network in clear).",
        OptionParsers.CrossHost, () => CrossHostRoute.Auto, null);

    public Option<int> MaxConnections { get; } = TypedOption.Create(
        "--max-connections", "N",
        "The most TCP connections open at once across every name; at the limit new clients wait in the kernel's backlog. 0: half the open-file limit, less 1,024.",
        OptionParsers.Count("--max-connections", min: 0, max: 10_000_000), () => 0, null);

    public Option<int> MaxExposedPorts { get; } = TypedOption.Create(
        "--max-exposed-ports", "N",
        "The most listeners a name opens from the ports its containers expose (a container that exposes more gets a warning); --port mappings are exempt.",
        OptionParsers.Count("--max-exposed-ports", min: 1, max: 65_535), () => Configuration.FollowerOptions.DefaultMaxExposedPorts, null);

    public Option<TimeSpan> IdleTimeout { get; } = TypedOption.Create(
        "--idle-timeout", "SECONDS", "Close a TCP connection with no byte either way for this long. 0: never (database pools stay idle for hours).",
        OptionParsers.Seconds("--idle-timeout", min: 0, max: 31_536_000), () => TimeSpan.Zero, null);

    public Option<TimeSpan> HalfCloseTimeout { get; } = TypedOption.Create(
        "--half-close-timeout", "SECONDS", "Close a TCP connection one side has half-closed, once no byte has moved for this long. 0: never.",
        OptionParsers.Seconds("--half-close-timeout", min: 0, max: 31_536_000), () => TimeSpan.FromSeconds(300), null);

    public Option<TimeSpan> Drain { get; } = TypedOption.Create(
        "--drain", "SECONDS", "On SIGTERM, stop accepting and let open connections go on for up to this long, then close them with a FIN.",
        OptionParsers.Seconds("--drain", min: 0, max: 3_600), () => TimeSpan.FromSeconds(10), null);

    // Stays text: ADDR:PORT or off, and whether it was given at all decides what a taken default does (HttpSettingsReader).
    public Option<string?> Http { get; } = Scalar(
        "--http", "ADDR:PORT|off",
        "The HTTP server: endpoints page (/), API (/api/names), Orleans dashboard (/orleans), /metrics, /healthz, /readyz. 'off' disables it.",
        () => null, $"default: {HttpSettings.DefaultAddress}");

    public Option<string?> HttpToken { get; } = Scalar(
        "--http-token", "TOKEN", "Require this bearer token for the page, the API and the Orleans dashboard (health and metrics stay open).", () => null, null);

    public Option<FileInfo?> HttpTokenFile { get; } = TypedOption.Create<FileInfo?>(
        "--http-token-file", "FILE", "Read the --http-token from FILE (a mounted secret).", OptionParsers.File("--http-token-file"), () => null, null);

    public Option<bool> NoDashboard { get; } = Flag(
        "--no-dashboard", "Serve no Orleans dashboard (/orleans): most of the memory the HTTP server adds is the dashboard's.");

    public IEnumerable<Option> All =>
        [Name, Docker, Listen, Port, Wait, RetryBeforeFirstByte, ProxyProtocol, AcceptProxy, Allow, MaxConnectionsPerClient, ConnectionRatePerClient, PreferIpv6,
            LogLevel, Cluster, ClusterId, HostId, Advertise, NoAgent, SiloPort, GatewayPort, RelayPort, RelayInsecure, CrossHost,
            MaxConnections, MaxExposedPorts, IdleTimeout, HalfCloseTimeout, Drain, Http, HttpToken, HttpTokenFile, NoDashboard, .. Security.All];

    private static Option<string[]> List(string name, string helpName, string description) =>
        new(name)
        {
            HelpName = helpName,
            Description = $"{description} [env: {EnvironmentDefaults.VariableFor(name)}, comma-separated]",
            DefaultValueFactory = _ => EnvironmentDefaults.GetList(name),
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };

    /// <summary>Free text (a token, an address with its own reader): the environment's text, as given, is the default.</summary>
    private static Option<string?> Scalar(string name, string helpName, string description, Func<string?> fallback, string? defaultText) =>
        TypedOption.Create(name, helpName, description, text => text, fallback, defaultText);

    private static Option<bool> Flag(string name, string description) =>
        new(name)
        {
            Description = $"{description} [env: {EnvironmentDefaults.VariableFor(name)}=true]",
            DefaultValueFactory = _ => bool.TryParse(EnvironmentDefaults.Get(name), out var value) && value,
        };
}
