using System.Collections.Immutable;
using GrandAmbassador.Status;

namespace GrandAmbassador.Http.Api;

/// <summary>
/// What <c>/api/names</c> returns and the page shows: <c>status --json</c>'s <see cref="ClusterStatus"/>
/// (hosts, and per name its containers) plus what this ambassador fronts, with live counters. The
/// fronted names come first; <paramref name="OtherNames"/> counts the names no ambassador fronts
/// (listed after them only when asked for: <c>?all=1</c>, the page's toggle).
/// </summary>
internal sealed record NamesView(
    string Ambassador,
    ImmutableArray<string> Hosts,
    ImmutableArray<NameView> Names,
    DateTimeOffset At,
    int OtherNames = 0);

/// <summary>
/// One name: its containers and the ambassadors that front it as <c>status</c> reports them, and this
/// ambassador's fronting of it.
/// </summary>
internal sealed record NameView(
    string Name,
    ImmutableArray<EndpointStatus> Endpoints,
    ImmutableArray<FrontedByStatus> FrontedBy,
    FrontingView? Fronting,
    DateTimeOffset? LastChange);

/// <summary>How this ambassador fronts a name: its <c>--port</c> mappings (none: every exposed port) and listeners.</summary>
/// <param name="Problem">Why it is not serving, when a port is taken ("web: port 8080/tcp is taken (…)").</param>
/// <param name="ProxyProtocol">The PROXY protocol header its targets are sent (<c>--proxy-protocol</c>: "v1", "v2"); null: none.</param>
/// <param name="AcceptProxy">Whether its clients must start with a PROXY protocol header (<c>--accept-proxy</c>).</param>
/// <param name="Access">Who may connect ("allow 10.0.0.0/8; 50 open per client"); null: everyone, no per-client limit.</param>
/// <param name="ClientsTracked">Client addresses the per-client limits remember now (open connections or a refilling bucket).</param>
internal sealed record FrontingView(
    ImmutableArray<string> Mappings,
    bool Listening,
    ImmutableArray<ListenerView> Listeners,
    string? Problem = null,
    string? ProxyProtocol = null,
    bool AcceptProxy = false,
    string? Access = null,
    int ClientsTracked = 0);

/// <summary>One listener and its counters ("connections.active", "bytes.upstream", …, as the proxy's instruments are named).</summary>
internal sealed record ListenerView(
    string Port,
    string Address,
    IReadOnlyDictionary<string, long> Counters);
