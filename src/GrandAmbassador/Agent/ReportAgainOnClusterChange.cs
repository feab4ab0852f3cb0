using GrandAmbassador.Cluster;
using Microsoft.Extensions.Hosting;

namespace GrandAmbassador.Agent;

/// <summary>
/// When a silo dies, the grains it held come back elsewhere, empty: this host's agent refills them
/// at once rather than at its next reconcile.
/// </summary>
internal sealed class ReportAgainOnClusterChange(ClusterChanges changes, GrainEndpointSink sink) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await changes.Next.WaitAsync(stoppingToken).ConfigureAwait(false);
                await sink.RefreshAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
