using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;
using GrandAmbassador.Configuration;
using GrandAmbassador.DataPlane;
using GrandAmbassador.Http.Health;
using GrandAmbassador.Http.Metrics;
using GrandAmbassador.Status;

namespace GrandAmbassador.Http.Api;

/// <summary>
/// Reads the cluster through <see cref="StatusReader"/> (as <c>status</c> does) and adds this ambassador's
/// listeners and counters, and when each name's containers last changed as far as this server has seen.
/// </summary>
internal sealed class NamesViewReader(
    IGrainFactory grains,
    FrontedNameRegistry fronted,
    LiveCounters counters,
    HostIdentity host,
    AmbassadorSettings settings,
    TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (string Content, DateTimeOffset Since)> _changes = new(StringComparer.Ordinal);

    /// <param name="all">Also the names no ambassador fronts (after the fronted ones); otherwise only their count.</param>
    /// <param name="only">Just this name; null: every name.</param>
    public async Task<NamesView> ReadAsync(CancellationToken cancellationToken, bool all = true, string? only = null)
    {
        var status = await StatusReader.ReadAsync(grains, cancellationToken, singleHost: settings.Cluster is null, only).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var mine = fronted.Current.Names.ToDictionary(name => name.Name, StringComparer.Ordinal);
        var known = status.Names.ToDictionary(name => name.Name, StringComparer.Ordinal);
        var counts = counters.ReadAll();
        var names = known.Keys.Union(mine.Keys).Where(name => only is null || name == only).Order(StringComparer.Ordinal).Select(name =>
        {
            var endpoints = known.TryGetValue(name, out var found) ? found.Endpoints : [];
            return new NameView(
                name,
                endpoints,
                found?.FrontedBy ?? [],
                mine.TryGetValue(name, out var front) ? Fronting(front, counts) : null,
                LastChange(name, endpoints, now));
        });
        // Fronted first (by any ambassador, or by this one before it has registered), then the rest.
        var ordered = names.OrderBy(name => name.FrontedBy.IsEmpty && name.Fronting is null).ToList();
        var frontedNames = ordered.Where(name => !name.FrontedBy.IsEmpty || name.Fronting is not null).ToList();
        return all || only is not null
            ? new NamesView(host.HostId, status.Hosts, [.. ordered], now, ordered.Count - frontedNames.Count)
            : new NamesView(host.HostId, status.Hosts, [.. frontedNames], now, ordered.Count - frontedNames.Count);
    }

    /// <summary>When <paramref name="endpoints"/> first looked as they do now; null for what was already so when this server started reading.</summary>
    private DateTimeOffset? LastChange(string name, ImmutableArray<EndpointStatus> endpoints, DateTimeOffset now)
    {
        // How ambassadors reach them is not the containers' change (a relay failing says so in its own words).
        var containers = endpoints.Select(endpoint => endpoint with { Ports = [.. endpoint.Ports.Select(port => port with { Reached = [] })] });
        var content = JsonSerializer.Serialize(containers, JsonSerializerOptions.Web);
        var seen = _changes.AddOrUpdate(
            name,
            static (_, state) => (state.content, DateTimeOffset.MinValue),
            static (_, old, state) => old.Content == state.content ? old : (state.content, state.now),
            (content, now));
        return seen.Since == DateTimeOffset.MinValue ? null : seen.Since;
    }

    private static FrontingView Fronting(FrontedName name, IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>>> counts)
    {
        var live = counts.TryGetValue(name.Name, out var ports) ? ports : ImmutableDictionary<string, IReadOnlyDictionary<string, long>>.Empty;
        var listeners = name.Proxy.State.Listening
            .Select(bound => new ListenerView(
                bound.Port.ToString(),
                bound.LocalEndPoint.ToString(),
                live.TryGetValue(bound.Port.ToString(), out var values) ? values : ImmutableDictionary<string, long>.Empty));
        return new FrontingView(
            [.. name.Service.Ports.IsDefault ? [] : name.Service.Ports.Select(mapping => mapping.ToString())],
            name.IsListening(),
            [.. listeners],
            name.WhyNotListening(),
            name.Proxy.ProxyProtocol == Proxy.Routing.ProxyProtocolVersion.None ? null : Proxy.ProxyProtocol.ProxyProtocolVersions.Name(name.Proxy.ProxyProtocol),
            name.Proxy.AcceptProxy,
            name.Proxy.Access.Policy.Describe(),
            name.Proxy.Access.TrackedClients);
    }
}
