using System.Threading.Channels;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;

namespace GrandAmbassador.Grains.Tests.Endpoints;

/// <summary>
/// An observer that applies every delta it is sent to the snapshot it holds, as a follower does, and keeps each
/// snapshot that makes, for a test to await. It holds a fresh grain's empty first snapshot until told another
/// (<see cref="Hold"/>: a subscribe's reply).
/// </summary>
internal sealed class RecordingObserver : IEndpointObserver
{
    private readonly Channel<EndpointSet> _received = Channel.CreateUnbounded<EndpointSet>();
    private readonly Lock _gate = new();
    private EndpointSet? _held;

    /// <summary>Deltas that did not follow the snapshot held: a test that sees one has lost a notification.</summary>
    public int Gaps { get; private set; }

    /// <summary>Holds <paramref name="reply"/> (a subscribe's reply) as the snapshot the next delta applies to.</summary>
    public EndpointSet Hold(EndpointSet reply)
    {
        lock (_gate)
        {
            _held = reply;
        }

        return reply;
    }

    public Task OnEndpointsDelta(EndpointDelta delta)
    {
        lock (_gate)
        {
            // A grain's first snapshot is empty and version 0: what a subscriber to a fresh grain holds.
            _held ??= new EndpointSet(delta.Name, 0, [], delta.Epoch, [], Complete: false);
            if (!delta.AppliesTo(_held))
            {
                Gaps++;
                return Task.CompletedTask;
            }

            _held = delta.ApplyTo(_held);
            _received.Writer.TryWrite(_held);
        }

        return Task.CompletedTask;
    }

    /// <summary>Waits for the first snapshot that satisfies <paramref name="predicate"/>.</summary>
    public async Task<EndpointSet> WaitForAsync(Func<EndpointSet, bool> predicate)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var set in _received.Reader.ReadAllAsync(timeout.Token))
        {
            if (predicate(set))
            {
                return set;
            }
        }

        throw new InvalidOperationException("The observer stopped receiving.");
    }
}
