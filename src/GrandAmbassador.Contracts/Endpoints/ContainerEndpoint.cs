namespace GrandAmbassador.Contracts.Endpoints;

/// <summary>
/// Everything an ambassador needs to reach one container: what an agent saw on its host's Docker engine.
/// </summary>
/// <param name="HostId">The agent's host (its <c>--host-id</c>).</param>
/// <param name="ContainerId">The full Docker container id.</param>
/// <param name="ContainerName">The container's name, without Docker's leading slash.</param>
/// <param name="ServiceNames">Every name the container answers to: its own name and its
/// <c>grand-ambassador.name</c> label, if any.</param>
/// <param name="Addresses">Its address on each network it is attached to.</param>
/// <param name="Ports">Its exposed ports, with where each is published.</param>
/// <param name="Health">Its HEALTHCHECK status.</param>
/// <param name="Running">Whether it is running (and not paused or restarting).</param>
/// <param name="StartedAt">When it last started: a restart changes it, so it tells one run from the next.</param>
/// <param name="AdvertiseAddress">The address other hosts use to reach this host's published ports.</param>
/// <param name="HostNetwork">True for <c>--network host</c>: it listens on the host's own addresses.</param>
/// <param name="Stopping">Docker has signalled it to stop (<c>docker stop</c>, a redeploy): it gets no new
/// connections while it finishes the ones it has. Set only by the container's own stop signal
/// (<c>Config.StopSignal</c>, default SIGTERM) or SIGKILL, never by another signal (HUP, USR1…).</param>
/// <param name="Stale">Its agent cannot reach its host's Docker engine: this is the last state it saw,
/// kept routable for a bounded time (<c>DockerAgentOptions.StaleEndpointLifetime</c>) so that an
/// engine restart cuts nothing.</param>
/// <param name="Sequence">Where this report stands in its agent's own order (per host, not a clock shared
/// with other hosts): the grain never lets a report overwrite one with a higher sequence, so a late
/// report of an older state cannot bring back a removed container. 0 means unordered.</param>
/// <param name="ProxyProtocol">Its <c>grand-ambassador.proxy-protocol</c> label as given, trimmed and in lower case
/// ("v1", "v2"; anything else is shown by status and ignored by the proxy); null: no label.</param>
/// <param name="Allow">Its <c>grand-ambassador.allow</c> label as written (client networks that may connect to the
/// names it answers to), or null; followers parse it, so that one bad label is logged where it matters.</param>
/// <param name="RelayPort">The port of its host's relay on <see cref="AdvertiseAddress"/>: ambassadors on other hosts reach
/// the container through it, over the cluster's mutual TLS, whether or not it publishes a port. 0: that host runs no relay.</param>
[GenerateSerializer, Immutable, Alias("ga.ContainerEndpoint")]
public sealed record ContainerEndpoint(
    [property: Id(0)] string HostId,
    [property: Id(1)] string ContainerId,
    [property: Id(2)] string ContainerName,
    [property: Id(3)] EquatableArray<string> ServiceNames,
    [property: Id(4)] EquatableArray<NetworkAddress> Addresses,
    [property: Id(5)] EquatableArray<ExposedPort> Ports,
    [property: Id(6)] ContainerHealth Health,
    [property: Id(7)] bool Running,
    [property: Id(8)] DateTimeOffset StartedAt,
    [property: Id(9)] string? AdvertiseAddress,
    [property: Id(10)] bool HostNetwork,
    [property: Id(11)] bool Stopping = false,
    [property: Id(12)] bool Stale = false,
    [property: Id(13)] long Sequence = 0,
    [property: Id(14)] string? ProxyProtocol = null,
    [property: Id(15)] string? Allow = null,
    [property: Id(16)] int RelayPort = 0)
{
    /// <summary>Identifies one run of one container: the id alone survives a restart, the address does not.</summary>
    public string RunId => $"{HostId}/{ContainerId}@{StartedAt.UtcTicks}";

    /// <summary>Whether new connections may go to it: running, and healthy if it has a HEALTHCHECK.</summary>
    public bool AcceptsTraffic => Running && !Stopping && Health is ContainerHealth.None or ContainerHealth.Healthy;

    public string ShortId => ContainerId.Length > 12 ? ContainerId[..12] : ContainerId;
}
