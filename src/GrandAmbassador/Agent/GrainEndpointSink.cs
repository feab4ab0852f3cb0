using System.Collections.Concurrent;
using System.Collections.Immutable;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;
using GrandAmbassador.Docker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GrandAmbassador.Agent;

/// <summary>
/// Where the Docker agent's reports go: the <see cref="IContainerEndpointGrain"/> of every name a
/// container answers to, with this silo as the reporter (so the endpoints die with this host), and
/// the cluster's <see cref="IHostDirectoryGrain"/>. Remembers the last report of each container, so
/// that a renamed or relabelled container leaves its old names and everything can be re-reported
/// at once when grains moved.
/// </summary>
internal sealed class GrainEndpointSink(
    IGrainFactory grains,
    ILocalSiloDetails silo,
    IOptions<DockerAgentOptions> options,
    ILogger<GrainEndpointSink> logger) : IContainerEndpointSink
{
    private readonly ConcurrentDictionary<string, ContainerEndpoint> _reported = new(StringComparer.Ordinal);

    /// <summary>Three reconcile intervals: two renewals can be lost before an endpoint expires.</summary>
    private TimeSpan Lease => options.Value.ReconcileInterval * 3;

    private string HostId => options.Value.HostId;

    public Task ReportAsync(ContainerEndpoint endpoint, CancellationToken ct) => ReportAsync(endpoint, registerNewNames: true, ct);

    public async Task ReconcileAsync(IReadOnlyCollection<ContainerEndpoint> all, long sequence, CancellationToken ct)
    {
        var present = all.Select(endpoint => endpoint.ContainerId).ToHashSet(StringComparer.Ordinal);
        var gone = _reported.Keys.Where(id => !present.Contains(id)).ToList();
        await Task.WhenAll(all.Select(endpoint => ReportAsync(endpoint, registerNewNames: false, ct)).Concat(gone.Select(id => RemoveAsync(id, sequence, ct)))).ConfigureAwait(false);
        // Once for the whole set, rather than once per container that brought a new name.
        await RegisterHostAsync(ct).ConfigureAwait(false);
    }

    /// <param name="registerNewNames">Whether a name this host did not have yet is registered with the
    /// directory now; a reconcile registers the whole set once at its end instead.</param>
    private Task ReportAsync(ContainerEndpoint endpoint, bool registerNewNames, CancellationToken ct)
    {
        var previousNames = _reported.TryGetValue(endpoint.ContainerId, out var previous) ? previous.ServiceNames : [];
        _reported[endpoint.ContainerId] = endpoint;
        var reports = ReportToGrains(endpoint, ct);
        var removals = previousNames.Except(endpoint.ServiceNames).Select(name => CallAsync(name, grain => grain.RemoveAsync(HostId, endpoint.ContainerId, endpoint.Sequence), ct));
        var directory = registerNewNames && (previousNames.IsDefaultOrEmpty || endpoint.ServiceNames.Except(previousNames).Any())
            ? RegisterHostAsync(ct)
            : Task.CompletedTask;
        return Task.WhenAll(reports.Concat(removals).Append(directory));
    }

    public Task RemoveAsync(string containerId, long sequence, CancellationToken ct) =>
        _reported.TryRemove(containerId, out var endpoint)
            ? Task.WhenAll(endpoint.ServiceNames.Select(name => CallAsync(name, grain => grain.RemoveAsync(HostId, containerId, sequence), ct)))
            : Task.CompletedTask;

    /// <summary>
    /// Reports everything again now: grains moved (a silo died) and came back empty. Runs beside the
    /// agent's own calls, so it only sends, and each container as it is remembered when its turn comes:
    /// one the agent removed meanwhile is not reported after its removal (an empty grain would take it
    /// back), and what the sink remembers stays as the agent last said. Each report keeps its agent
    /// sequence, so a grain drops one that is older than what it has.
    /// </summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        var reports = new List<Task>();
        foreach (var containerId in _reported.Keys)
        {
            if (_reported.TryGetValue(containerId, out var endpoint))
            {
                reports.AddRange(ReportToGrains(endpoint, ct));
            }
        }

        await Task.WhenAll(reports).ConfigureAwait(false);
        await RegisterHostAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Starts the report to the grain of each of its names.</summary>
    private IEnumerable<Task> ReportToGrains(ContainerEndpoint endpoint, CancellationToken ct) =>
        [.. endpoint.ServiceNames.Select(name => CallAsync(name, grain => grain.ReportAsync(endpoint, Lease, silo.SiloAddress), ct))];

    private Task RegisterHostAsync(CancellationToken ct)
    {
        var names = _reported.Values.SelectMany(endpoint => endpoint.ServiceNames).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToImmutableArray();
        var registration = new HostRegistration(HostId, options.Value.AdvertiseAddress, names, DateTimeOffset.UtcNow);
        return CallAsync(
            IHostDirectoryGrain.Key,
            _ => grains.GetGrain<IHostDirectoryGrain>(IHostDirectoryGrain.Key).RegisterAsync(registration, Lease),
            ct);
    }

    /// <summary>
    /// A failed call is logged and left to the next reconcile, which reports everything again. A call
    /// is given up after <see cref="DockerAgentOptions.ReportTimeout"/>: one sent to an activation whose silo just died can
    /// wait for Orleans' 30 s response timeout, and the agent's events queue up behind it.
    /// </summary>
    private async Task CallAsync(string name, Func<IContainerEndpointGrain, Task> call, CancellationToken ct)
    {
        try
        {
            await call(grains.GetGrain<IContainerEndpointGrain>(name)).WaitAsync(options.Value.ReportTimeout, ct).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            AgentLog.ReportFailed(logger, exception, name);
        }
    }
}
