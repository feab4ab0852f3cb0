namespace GrandAmbassador.Grains.Endpoints;

/// <summary>
/// Runs a grain activation's sweep when something can have lapsed: at its next deadline (a lease, a tombstone, the
/// completeness deadline) and when cluster membership changes (a reporter's silo declared dead), instead of on a
/// periodic timer: an activation at rest wakes for nothing. Started from the activation's own context, so that every
/// sweep runs on its scheduler, one turn at a time with its calls; waits on the grain's <see cref="TimeProvider"/>,
/// so that a test's clock drives it.
/// </summary>
internal sealed class SweepWhenDue(
    TimeProvider time,
    IClusterMembershipService membership,
    Func<DateTimeOffset?> nextDeadline,
    Action sweep) : IDisposable
{
    private readonly CancellationTokenSource _stopped = new();
    private TaskCompletionSource _rescheduled = NewSignal();

    /// <summary>Starts the loop; call from the activation's context (OnActivateAsync).</summary>
    public void Start() => _ = RunAsync(_stopped.Token);

    /// <summary>A deadline earlier than the one waited for may have been added: look again.</summary>
    public void Reschedule() => _rescheduled.TrySetResult();

    public void Dispose()
    {
        _stopped.Cancel();
        _stopped.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await using var updates = membership.MembershipUpdates.GetAsyncEnumerator(ct);
            var membershipChanged = updates.MoveNextAsync().AsTask();
            while (!ct.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var due = nextDeadline() is { } at ? Clamp(at - time.GetUtcNow()) : Timeout.InfiniteTimeSpan;
                var deadline = Task.Delay(due, time, wait.Token);
                var rescheduled = _rescheduled.Task;
                var woke = await Task.WhenAny(deadline, membershipChanged, rescheduled).ConfigureAwait(true);
                await wait.CancelAsync().ConfigureAwait(true);
                if (woke == rescheduled)
                {
                    _rescheduled = NewSignal();
                }
                else if (woke == membershipChanged)
                {
                    if (!await membershipChanged.ConfigureAwait(true))
                    {
                        return;
                    }

                    membershipChanged = updates.MoveNextAsync().AsTask();
                }

                ct.ThrowIfCancellationRequested();
                sweep();
            }
        }
        catch (OperationCanceledException)
        {
            // The activation is deactivating.
        }
    }

    // Task.Delay takes at most about 49 days; a deadline further than that is looked at again then.
    private static TimeSpan Clamp(TimeSpan due) =>
        due <= TimeSpan.Zero ? TimeSpan.Zero : due > TimeSpan.FromDays(30) ? TimeSpan.FromDays(30) : due;
}
