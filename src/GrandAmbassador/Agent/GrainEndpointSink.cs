using System.Collections.Immutable;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;
using GrandAmbassador.Docker;
using GrandAmbassador.Docker.Watching;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GrandAmbassador.Agent;

/// <summary>
/// Where the Docker agent's reports go: the <see cref="IContainerEndpointGrain"/> of every name a
/// container answers to, with this silo as the reporter (so the endpoints die with this host), and
/// the cluster's <see cref="IHostDirectoryGrain"/>. It remembers nothing itself: the agent passes each
/// container's previous report (so that a renamed or relabelled container leaves its old names) and
/// what a list no longer has, and a re-report of everything, or the names registered with the
/// directory, read the agent's own memory, <see cref="KnownContainers"/>, so the two cannot disagree.
/// </summary>
internal sealed class GrainEndpointSink(
    IGrainFactory grains,
    ILocalSiloDetails silo,
    KnownContainers known,
    IOptions<DockerAgentOptions> options,
    ILogger<GrainEndpointSink> logger) : IContainerEndpointSink
{
    /// <summary>Three reconcile intervals: two renewals can be lost before an endpoint expires.</summary>
    private TimeSpan Lease => options.Value.ReconcileInterval * 3;

    private string HostId => options.Value.HostId;

    public Task ReportAsync(ContainerReport report, CancellationToken ct) => ReportAsync(report, registerNewNames: true, ct);

    public async Task ReconcileAsync(IReadOnlyCollection<ContainerReport> all, IReadOnlyCollection<ContainerEndpoint> gone, long sequence, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(all);
        ArgumentNullException.ThrowIfNull(gone);
        await Task.WhenAll(all.Select(report => ReportAsync(report, registerNewNames: false, ct)).Concat(gone.Select(last => RemoveAsync(last.ContainerId, last, sequence, ct)))).ConfigureAwait(false);
        // Once for the whole set, rather than once per container that brought a new name.
        await RegisterHostAsync(ct).ConfigureAwait(false);
    }

    /// <param name="report">The container now, and as last reported.</param>
    /// <param name="registerNewNames">Whether a name this host did not have yet is registered with the
    /// directory now; a reconcile registers the whole set once at its end instead.</param>
    /// <param name="ct">Cancelled when the agent stops.</param>
    private Task ReportAsync(ContainerReport report, bool registerNewNames, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(report);
        var endpoint = report.Endpoint;
        var reports = ReportToGrains(endpoint, ct);
        var removals = report.LeftNames.Select(name => CallAsync(name, grain => grain.RemoveAsync(HostId, endpoint.ContainerId, endpoint.Sequence), ct));
        var directory = registerNewNames && report.NewNames.Any()
            ? RegisterHostAsync(ct)
            : Task.CompletedTask;
        return Task.WhenAll(reports.Concat(removals).Append(directory));
    }

    /// <summary>Leaves the grain of every name <paramref name="last"/> had; nothing for a container never reported.</summary>
    public Task RemoveAsync(string containerId, ContainerEndpoint? last, long sequence, CancellationToken ct) =>
        last is null
            ? Task.CompletedTask
            : Task.WhenAll(last.ServiceNames.Select(name => CallAsync(name, grain => grain.RemoveAsync(HostId, containerId, sequence), ct)));

    /// <summary>
    /// Reports everything again now: grains moved (a silo died) and came back empty. Runs beside the
    /// agent's own calls, so it only sends, and each container as the agent remembers it when its turn
    /// comes: one the agent removed meanwhile is not reported after its removal (an empty grain would
    /// take it back). Each report keeps its agent sequence, so a grain drops one that is older than
    /// what it has.
    /// </summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        var reports = new List<Task>();
        foreach (var containerId in known.Ids)
        {
            if (known.Find(containerId) is { } endpoint)
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
        var names = known.All.SelectMany(endpoint => endpoint.ServiceNames).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToImmutableArray();
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
