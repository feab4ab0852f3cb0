using System.Threading.Channels;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;

namespace GrandAmbassador.Host.Tests.Ambassador;

/// <summary>
/// A unit-test stand-in for a name's grain: every subscribe and renewal call waits until the test answers it,
/// so a test can play a grain that hangs (its silo died), fails, or answers late.
/// </summary>
internal sealed class FakeEndpointGrain : IContainerEndpointGrain
{
    private readonly Channel<TaskCompletionSource<EndpointSet>> _subscribes = Channel.CreateUnbounded<TaskCompletionSource<EndpointSet>>();

    /// <summary>The next subscribe call, once it has been made; the test answers it.</summary>
    public async Task<TaskCompletionSource<EndpointSet>> NextSubscribeAsync(TimeSpan guard)
    {
        using var timeout = new CancellationTokenSource(guard);
        return await _subscribes.Reader.ReadAsync(timeout.Token);
    }

    private readonly Channel<Renewal> _renewals = Channel.CreateUnbounded<Renewal>();

    /// <summary>The next renewal call, once it has been made: what the follower said it holds; the test answers it (null: not modified).</summary>
    public async Task<Renewal> NextRenewalAsync(TimeSpan guard)
    {
        using var timeout = new CancellationTokenSource(guard);
        return await _renewals.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>Whether a subscribe call was made that the test has not taken yet.</summary>
    public bool TryTakeSubscribe(out TaskCompletionSource<EndpointSet>? call) => _subscribes.Reader.TryRead(out call);

    public Task<EndpointSet> SubscribeAsync(IEndpointObserver observer)
    {
        var call = new TaskCompletionSource<EndpointSet>(TaskCreationOptions.RunContinuationsAsynchronously);
        _subscribes.Writer.TryWrite(call);
        return call.Task;
    }

    public Task<EndpointSet?> RenewAsync(IEndpointObserver observer, Guid epoch, long version)
    {
        var call = new Renewal(epoch, version, new TaskCompletionSource<EndpointSet?>(TaskCreationOptions.RunContinuationsAsynchronously));
        _renewals.Writer.TryWrite(call);
        return call.Reply.Task;
    }

    public Task ReportAsync(ContainerEndpoint endpoint, TimeSpan lease, SiloAddress? reporter = null) => throw new NotSupportedException();

    public Task RemoveAsync(string hostId, string containerId, long sequence = 0) => throw new NotSupportedException();

    public Task<EndpointSet> GetAsync() => throw new NotSupportedException();

    public Task HostLeaseAsync(string hostId, bool fresh) => throw new NotSupportedException();

    public Task AppliedAsync(RoutesApplied applied) => Task.CompletedTask;

    public Task<DrainConfirmations> GetDrainConfirmationsAsync(ContainerKey container) => throw new NotSupportedException();

    public Task UnsubscribeAsync(IEndpointObserver observer) => Task.CompletedTask;
}

/// <summary>One renewal call: the snapshot the follower holds, and its reply.</summary>
internal sealed record Renewal(Guid Epoch, long Version, TaskCompletionSource<EndpointSet?> Reply);
