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
/// container answers to. Remembers which names each container was reported under, so that a
/// renamed or relabelled container leaves its old names.
/// </summary>
internal sealed class GrainEndpointSink(
    IGrainFactory grains,
    IOptions<DockerAgentOptions> options,
    ILogger<GrainEndpointSink> logger) : IContainerEndpointSink
{
    private readonly ConcurrentDictionary<string, ImmutableArray<string>> _namesByContainer = new(StringComparer.Ordinal);

    /// <summary>Three reconcile intervals: two renewals can be lost before an endpoint expires.</summary>
    private TimeSpan Lease => options.Value.ReconcileInterval * 3;

    private string HostId => options.Value.HostId;

    public Task ReportAsync(ContainerEndpoint endpoint, CancellationToken ct)
    {
        var previous = _namesByContainer.TryGetValue(endpoint.ContainerId, out var names) ? names : [];
        _namesByContainer[endpoint.ContainerId] = endpoint.ServiceNames;
        var reports = endpoint.ServiceNames.Select(name => CallAsync(name, grain => grain.ReportAsync(endpoint, Lease), ct));
        var removals = previous.Except(endpoint.ServiceNames).Select(name => CallAsync(name, grain => grain.RemoveAsync(HostId, endpoint.ContainerId), ct));
        return Task.WhenAll(reports.Concat(removals));
    }

    public Task RemoveAsync(string containerId, CancellationToken ct) =>
        _namesByContainer.TryRemove(containerId, out var names)
            ? Task.WhenAll(names.Select(name => CallAsync(name, grain => grain.RemoveAsync(HostId, containerId), ct)))
            : Task.CompletedTask;

    public async Task ReconcileAsync(IReadOnlyCollection<ContainerEndpoint> all, CancellationToken ct)
    {
        await Task.WhenAll(all.Select(endpoint => ReportAsync(endpoint, ct))).ConfigureAwait(false);
        var present = all.Select(endpoint => endpoint.ContainerId).ToHashSet(StringComparer.Ordinal);
        var gone = _namesByContainer.Keys.Where(id => !present.Contains(id)).ToList();
        await Task.WhenAll(gone.Select(id => RemoveAsync(id, ct))).ConfigureAwait(false);
    }

    /// <summary>A failed call is logged and left to the next reconcile, which reports everything again.</summary>
    private async Task CallAsync(string name, Func<IContainerEndpointGrain, Task> call, CancellationToken ct)
    {
        try
        {
            await call(grains.GetGrain<IContainerEndpointGrain>(name)).WaitAsync(ct).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            AgentLog.ReportFailed(logger, exception, name);
        }
    }
}
