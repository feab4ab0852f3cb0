using System.Threading.Channels;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;

namespace GrandAmbassador.Ambassador;

/// <summary>
/// Receives a grain's snapshots on Orleans' threads and hands the newest to the follower's single
/// loop, ordered as <see cref="EndpointSet"/> documents, never by a clock: the reply to the latest
/// subscribe is the base, whatever activation sent it; notifications count only when they follow
/// the base in the same activation. Nothing queues up behind the newest.
/// </summary>
internal sealed class EndpointObserver : IEndpointObserver
{
    private readonly Channel<bool> _changed = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly Lock _gate = new();
    private EndpointSet? _latest;

    // The newest notification of an activation other than the base's: it may have overtaken the
    // subscribe reply that makes its activation the base.
    private EndpointSet? _aside;

    public Task OnEndpointsChanged(EndpointSet endpoints)
    {
        Offer(endpoints);
        return Task.CompletedTask;
    }

    /// <summary>Takes a snapshot from a notification.</summary>
    public void Offer(EndpointSet endpoints)
    {
        lock (_gate)
        {
            if (_latest is null || endpoints.Follows(_latest))
            {
                Take(endpoints);
            }
            else if (endpoints.Epoch != _latest.Epoch && (_aside is null || endpoints.Follows(_aside) || endpoints.Epoch != _aside.Epoch))
            {
                _aside = endpoints;
            }
        }
    }

    /// <summary>Takes the snapshot that answered a subscribe or a renewal: the new base.</summary>
    public void OfferReply(EndpointSet endpoints)
    {
        lock (_gate)
        {
            if (_latest is not null && _latest.Epoch == endpoints.Epoch && _latest.Version >= endpoints.Version)
            {
                return;
            }

            var newest = _aside is not null && _aside.Follows(endpoints) ? _aside : endpoints;
            _aside = null;
            Take(newest);
        }
    }

    /// <summary>The newest snapshot taken (from a reply or a notification): what a renewal says the follower holds.</summary>
    public EndpointSet? Latest
    {
        get
        {
            lock (_gate)
            {
                return _latest;
            }
        }
    }

    /// <summary>Waits until a snapshot newer than the one last returned is there, and returns it.</summary>
    public async Task<EndpointSet> NextAsync(CancellationToken cancellationToken)
    {
        await _changed.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            return _latest!;
        }
    }

    private void Take(EndpointSet endpoints)
    {
        _latest = endpoints;
        _changed.Writer.TryWrite(true);
    }
}
