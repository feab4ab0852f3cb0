using GrandAmbassador.Cluster;
using Microsoft.Extensions.Hosting;

namespace GrandAmbassador.Agent;

/// <summary>
/// When a silo dies, the grains it held come back elsewhere, empty: this host's agent refills them
/// at once rather than at its next reconcile.
/// </summary>
internal sealed class ReportAgainOnClusterChange(ClusterChanges changes, GrainEndpointSink sink) : BackgroundService
{
    // Taken when the host builds the service: a change before the loop first runs (ExecuteAsync starts on
    // another thread) is not lost either.
    private readonly Task _firstChange = changes.Next;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var next = _firstChange;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await next.WaitAsync(stoppingToken).ConfigureAwait(false);

                // Taken before the refresh: changes during it complete this one and bring one more
                // refresh (however many there were), instead of being lost.
                next = changes.Next;
                await sink.RefreshAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
