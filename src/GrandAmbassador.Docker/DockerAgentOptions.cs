namespace GrandAmbassador.Docker;

/// <summary>How the agent reaches its host's Docker engine and how it describes this host.</summary>
public sealed class DockerAgentOptions
{
    /// <summary>
    /// The engine's API endpoint: <c>unix:///path</c>, <c>tcp://host:port</c> or <c>https://host:port</c>.
    /// Default: <c>null</c>, meaning <c>$DOCKER_HOST</c> when set, else <c>unix:///var/run/docker.sock</c>,
    /// as the docker CLI does.
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary>
    /// The directory with <c>ca.pem</c>, <c>cert.pem</c> and <c>key.pem</c> for a TLS <c>tcp://</c> endpoint.
    /// Default: none; when only <see cref="TlsVerify"/> is on, <c>~/.docker</c>. Setting it turns TLS on for tcp
    /// endpoints, as the Docker Go client's <c>FromEnv</c> does (the executable sets it from <c>$DOCKER_CERT_PATH</c>).
    /// </summary>
    public string? TlsCertPath { get; set; }

    /// <summary>
    /// Whether to check the engine's certificate against <c>ca.pem</c> (on) or accept any (off).
    /// Default: off (the executable turns it on when <c>$DOCKER_TLS_VERIFY</c> is set to anything non-empty, like the docker CLI).
    /// </summary>
    public bool TlsVerify { get; set; }

    /// <summary>This host's id in every endpoint it reports. Default: <see cref="Environment.MachineName"/>.</summary>
    public string HostId { get; set; } = Environment.MachineName;

    /// <summary>
    /// The address other hosts use to reach this host's published ports.
    /// Default: <c>null</c>, meaning the first IPv4 address of an interface that is up, not loopback
    /// and not a Docker bridge.
    /// </summary>
    public string? AdvertiseAddress { get; set; }

    /// <summary>
    /// The port of this host's relay, reported with every endpoint so that other hosts can reach unpublished
    /// containers through it. Default: 0, no relay.
    /// </summary>
    public int RelayPort { get; set; }

    /// <summary>
    /// How often to re-list every container, report what changed (heals anything an event missed) and
    /// renew this host's lease (three intervals long: docs/architecture.md#one-lease-per-host). The list is one
    /// engine call; only the containers whose list entry is new or changed since the last list are inspected (see
    /// <see cref="FullSweepInterval"/>). Default: 10 seconds.
    /// </summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often a re-list inspects every container (a full sweep) rather than only those whose list entry
    /// is new or changed since the last list. Events inspect the containers they name; the re-list every
    /// <see cref="ReconcileInterval"/> is one engine call that inspects only what the list shows changed
    /// (state, names, labels, ports, network addresses, health), so that the agent costs the engine almost
    /// nothing at rest. The sweep is for what no list entry shows (a restart between two lists that kept
    /// its address; Podman's list has no health). The first list after every (re)connect is a full sweep
    /// too. Default: 5 minutes.
    /// </summary>
    public TimeSpan FullSweepInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long one report to the cluster may take before it is given up and left to the next
    /// reconcile. Default: 5 seconds; a healthy grain answers in milliseconds, and a call to a silo
    /// that just died would otherwise hold the agent's events for Orleans' 30 s response timeout.
    /// </summary>
    public TimeSpan ReportTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The first wait before reconnecting to an engine that is down. Default: 0.5 seconds.</summary>
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between reconnection attempts (the wait doubles up to it). Default: 15 seconds.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long one API call (list, inspect) may take; a hung engine connection then ends the
    /// session and the agent reconnects. Does not apply to the event stream. Default: 30 seconds.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the containers the agent last saw stay routable while it cannot reach its engine:
    /// it keeps renewing their leases, flagged stale (<c>status</c> shows it), so that an engine
    /// restart (live-restore keeps containers running) cuts nothing. After it they are no longer
    /// renewed and get no new connections once their lease ends; open connections stay.
    /// Default: 5 minutes.
    /// </summary>
    public TimeSpan StaleEndpointLifetime { get; set; } = TimeSpan.FromMinutes(5);
}
