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
    TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (string Content, DateTimeOffset Since)> _changes = new(StringComparer.Ordinal);

    public async Task<NamesView> ReadAsync(CancellationToken cancellationToken)
    {
        var status = await StatusReader.ReadAsync(grains, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var mine = fronted.Current.Names.ToDictionary(name => name.Name, StringComparer.Ordinal);
        var known = status.Names.ToDictionary(name => name.Name, StringComparer.Ordinal);
        var names = known.Keys.Union(mine.Keys).Order(StringComparer.Ordinal).Select(name =>
        {
            var endpoints = known.TryGetValue(name, out var found) ? found.Endpoints : [];
            return new NameView(
                name,
                endpoints,
                found?.FrontedBy ?? [],
                mine.TryGetValue(name, out var front) ? Fronting(front) : null,
                LastChange(name, endpoints, now));
        });
        return new NamesView(host.HostId, status.Hosts, [.. names], now);
    }

    /// <summary>When <paramref name="endpoints"/> first looked as they do now; null for what was already so when this server started reading.</summary>
    private DateTimeOffset? LastChange(string name, ImmutableArray<EndpointStatus> endpoints, DateTimeOffset now)
    {
        var content = JsonSerializer.Serialize(endpoints, JsonSerializerOptions.Web);
        var seen = _changes.AddOrUpdate(
            name,
            static (_, state) => (state.content, DateTimeOffset.MinValue),
            static (_, old, state) => old.Content == state.content ? old : (state.content, state.now),
            (content, now));
        return seen.Since == DateTimeOffset.MinValue ? null : seen.Since;
    }

    private FrontingView Fronting(FrontedName name)
    {
        var live = counters.For(name.Name);
        var listeners = name.Applied.Ports
            .OrderBy(port => port.Port)
            .Select(port => (Port: port, Listener: name.Proxy.GetListener(port)))
            .Where(pair => pair.Listener is not null)
            .Select(pair => new ListenerView(
                pair.Port.ToString(),
                pair.Listener!.LocalEndPoint.ToString(),
                live.TryGetValue(pair.Port.ToString(), out var values) ? values : ImmutableDictionary<string, long>.Empty));
        return new FrontingView(
            [.. name.Service.Ports.IsDefault ? [] : name.Service.Ports.Select(mapping => mapping.ToString())],
            name.IsListening(),
            [.. listeners]);
    }
}
