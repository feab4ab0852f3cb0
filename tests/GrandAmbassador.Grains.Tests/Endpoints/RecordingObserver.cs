using System.Threading.Channels;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;

namespace GrandAmbassador.Grains.Tests.Endpoints;

/// <summary>An observer that keeps every snapshot it is sent, for a test to await.</summary>
internal sealed class RecordingObserver : IEndpointObserver
{
    private readonly Channel<EndpointSet> _received = Channel.CreateUnbounded<EndpointSet>();

    public Task OnEndpointsChanged(EndpointSet endpoints)
    {
        _received.Writer.TryWrite(endpoints);
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
