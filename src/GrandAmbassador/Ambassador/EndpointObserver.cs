using System.Threading.Channels;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;

namespace GrandAmbassador.Ambassador;

/// <summary>
/// Receives a grain's snapshots on Orleans' threads and hands the newest to the follower's single
/// loop. Snapshots may arrive out of order (notifications and call replies race): the one with the
/// highest version wins, and nothing queues up behind it.
/// </summary>
internal sealed class EndpointObserver : IEndpointObserver
{
    private readonly Channel<bool> _changed = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private EndpointSet? _latest;

    public Task OnEndpointsChanged(EndpointSet endpoints)
    {
        Offer(endpoints);
        return Task.CompletedTask;
    }

    /// <summary>Takes a snapshot from a notification or from a call's reply (subscribe, renew).</summary>
    public void Offer(EndpointSet endpoints)
    {
        while (true)
        {
            var current = Volatile.Read(ref _latest);
            if (current is not null && current.Version >= endpoints.Version)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _latest, endpoints, current) == current)
            {
                _changed.Writer.TryWrite(true);
                return;
            }
        }
    }

    /// <summary>Waits until a snapshot newer than the one last returned is there, and returns it.</summary>
    public async Task<EndpointSet> NextAsync(CancellationToken cancellationToken)
    {
        await _changed.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return Volatile.Read(ref _latest)!;
    }
}
