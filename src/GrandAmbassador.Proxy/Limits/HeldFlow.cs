using GrandAmbassador.Proxy.Diagnostics;

namespace GrandAmbassador.Proxy.Limits;

/// <summary>
/// One connection or session while it waits for a destination, as <see cref="HeldFlows"/> tracks it. Made only
/// when a flow has to wait, so a flow that finds its backend at once costs nothing here.
/// </summary>
internal sealed class HeldFlow
{
    private readonly TaskCompletionSource _evicted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action? _onEvicted;

    /// <param name="counts">The flow's port's counts, for the metrics of an eviction.</param>
    /// <param name="onEvicted">Run once if the flow is evicted, outside any lock.</param>
    public HeldFlow(PortCounts counts, Action? onEvicted = null)
    {
        Counts = counts;
        _onEvicted = onEvicted;
    }

    public PortCounts Counts { get; }

    /// <summary>Completes when the flow was evicted to make room for newer ones.</summary>
    public Task Evicted => _evicted.Task;

    public bool IsEvicted => _evicted.Task.IsCompleted;

    /// <summary>Its place in the registry's age order; guarded by the registry's lock.</summary>
    internal LinkedListNode<HeldFlow>? Node { get; set; }

    /// <summary>The bytes it holds; guarded by the registry's lock.</summary>
    internal long Bytes { get; set; }

    internal void Evict()
    {
        if (_evicted.TrySetResult())
        {
            _onEvicted?.Invoke();
        }
    }
}
