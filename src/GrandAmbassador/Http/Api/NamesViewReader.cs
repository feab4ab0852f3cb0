using System.Collections.Immutable;
using GrandAmbassador.Ambassador;
using GrandAmbassador.Configuration;
using GrandAmbassador.Http.Metrics;
using GrandAmbassador.Status;
using Microsoft.Extensions.Options;

namespace GrandAmbassador.Http.Api;

/// <summary>Reads the cluster through <see cref="StatusReader"/> (as <c>status</c> does) and adds this ambassador's listeners and counters.</summary>
internal sealed class NamesViewReader(
    IGrainFactory grains,
    IFrontedNames fronted,
    LiveCounters counters,
    IOptions<HostIdentityOptions> host,
    TimeProvider time)
{
    public async Task<NamesView> ReadAsync(CancellationToken cancellationToken)
    {
        var status = await StatusReader.ReadAsync(grains, cancellationToken).ConfigureAwait(false);
        var mine = fronted.Current.ToDictionary(name => name.Name, StringComparer.Ordinal);
        var known = status.Names.ToDictionary(name => name.Name, StringComparer.Ordinal);
        var names = known.Keys.Union(mine.Keys).Order(StringComparer.Ordinal).Select(name => new NameView(
            name,
            known.TryGetValue(name, out var found) ? found.Endpoints : [],
            mine.TryGetValue(name, out var front) ? Fronting(front) : null,
            mine.TryGetValue(name, out var applied) ? applied.Follower.LastApplied?.At : null));
        return new NamesView(host.Value.HostId, status.Hosts, [.. names], time.GetUtcNow());
    }

    private FrontingView Fronting(FrontedName name)
    {
        var live = counters.For(name.Name);
        var listeners = name.Proxy.LocalEndPoints
            .OrderBy(pair => pair.Key.Port)
            .Select(pair => new ListenerView(
                pair.Key.ToString(),
                pair.Value.ToString(),
                live.TryGetValue(pair.Key.ToString(), out var values) ? values : ImmutableDictionary<string, long>.Empty));
        return new FrontingView(
            [.. name.Service.Ports.IsDefault ? [] : name.Service.Ports.Select(mapping => mapping.ToString())],
            name.Follower.IsListening,
            [.. listeners]);
    }
}
