using System.Collections.Immutable;
using GrandAmbassador.Status;

namespace GrandAmbassador.Http.Api;

/// <summary>
/// What <c>/api/names</c> returns and the page shows: <c>status --json</c>'s <see cref="ClusterStatus"/>
/// (hosts, and per name its containers) plus what this ambassador fronts, with live counters.
/// </summary>
internal sealed record NamesView(
    string Ambassador,
    ImmutableArray<string> Hosts,
    ImmutableArray<NameView> Names,
    DateTimeOffset At);

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
internal sealed record FrontingView(
    ImmutableArray<string> Mappings,
    bool Listening,
    ImmutableArray<ListenerView> Listeners);

/// <summary>One listener and its counters ("connections.active", "bytes.upstream", …, as the proxy's instruments are named).</summary>
internal sealed record ListenerView(
    string Port,
    string Address,
    IReadOnlyDictionary<string, long> Counters);
