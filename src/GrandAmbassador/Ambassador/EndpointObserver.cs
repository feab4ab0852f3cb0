using System.Threading.Channels;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;

namespace GrandAmbassador.Ambassador;

/// <summary>
/// Receives a grain's deltas on Orleans' threads, applies each to the snapshot it holds, and hands the newest
/// snapshot to the follower's single loop, ordered as <see cref="EndpointSet"/> documents, never by a clock: the
/// reply to the latest subscribe is the base, whatever activation sent it; a delta counts only when it goes from
/// exactly the snapshot held. One that does not has either overtaken the reply it follows (kept aside, applied
/// when the reply comes) or shows a notification was missed: then <see cref="ResyncNeeded"/> completes and the
/// subscription asks the grain for the whole snapshot. Nothing queues up behind the newest.
/// </summary>
internal sealed class EndpointObserver : IEndpointObserver
{
    /// <summary>Deltas kept aside at most: more than that waiting means the base is far behind, and a resync is due anyway.</summary>
    private const int MaxAside = 64;

    private readonly Channel<bool> _changed = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly Lock _gate = new();
    private readonly List<EndpointDelta> _aside = [];
    private TaskCompletionSource _resync = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private EndpointSet? _latest;

    /// <summary>Completes when a delta showed that a notification was missed; the next <see cref="OfferReply"/> starts a new one.</summary>
    public Task ResyncNeeded
    {
        get
        {
            lock (_gate)
            {
                return _resync.Task;
            }
        }
    }

    /// <summary>The newest snapshot taken (from a reply or a delta; null before the first reply): what a renewal says the follower holds.</summary>
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

    public Task OnEndpointsDelta(EndpointDelta delta)
    {
        Offer(delta);
        return Task.CompletedTask;
    }

    /// <summary>Takes a delta from a notification.</summary>
    public void Offer(EndpointDelta delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        lock (_gate)
        {
            if (_latest is not null && delta.AppliesTo(_latest))
            {
                Take(delta.ApplyTo(_latest));
                ApplyAside();
                return;
            }

            if (_latest is not null && delta.Epoch == _latest.Epoch && delta.Version <= _latest.Version)
            {
                return; // older news
            }

            if (_aside.Count >= MaxAside)
            {
                _aside.RemoveAt(0);
            }

            _aside.Add(delta);
            if (_latest is not null && delta.Epoch == _latest.Epoch)
            {
                // A later delta of the same activation: the one between was lost (or is late). Ask for the whole snapshot.
                _resync.TrySetResult();
            }
        }
    }

    /// <summary>Takes the snapshot that answered a subscribe or a renewal: the new base.</summary>
    public void OfferReply(EndpointSet endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        lock (_gate)
        {
            if (_resync.Task.IsCompleted)
            {
                _resync = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            if (_latest is not null && _latest.Epoch == endpoints.Epoch && _latest.Version >= endpoints.Version)
            {
                ApplyAside();
                return;
            }

            Take(endpoints);
            // Deltas of another activation can no longer apply: this reply answers the latest subscribe.
            _aside.RemoveAll(delta => delta.Epoch != endpoints.Epoch);
            ApplyAside();
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

    /// <summary>Applies the deltas kept aside that now follow the snapshot held, in order; drops those older than it.</summary>
    private void ApplyAside()
    {
        var applied = true;
        while (applied && _latest is { } latest)
        {
            applied = false;
            _aside.RemoveAll(delta => delta.Epoch == latest.Epoch && delta.Version <= latest.Version);
            if (_aside.Find(delta => delta.AppliesTo(latest)) is { } next)
            {
                _aside.Remove(next);
                Take(next.ApplyTo(latest));
                applied = true;
            }
        }
    }

    private void Take(EndpointSet endpoints)
    {
        _latest = endpoints;
        _changed.Writer.TryWrite(true);
    }
}
