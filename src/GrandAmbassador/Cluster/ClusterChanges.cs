namespace GrandAmbassador.Cluster;

/// <summary>
/// Tells this process's parts that cluster membership changed (a silo died or joined): grains may
/// have moved and come back empty, so agents re-report at once, followers re-subscribe at once and the fronting
/// registrar registers again, instead of waiting for their next lease or renewal.
/// </summary>
internal sealed class ClusterChanges
{
    private TaskCompletionSource _next = NewSignal();

    /// <summary>Completes at the next membership change after it was read.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Signal() => Interlocked.Exchange(ref _next, NewSignal()).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
