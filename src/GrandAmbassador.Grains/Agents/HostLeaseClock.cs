namespace GrandAmbassador.Grains.Agents;

/// <summary>
/// When one host's lease lapses: a single wait, restarted by each heartbeat, that fires once at the expiry (not a
/// periodic sweep). Waits on the grain's <see cref="TimeProvider"/>, so a test's clock drives it.
/// </summary>
internal sealed class HostLeaseClock(TimeProvider time) : IDisposable
{
    private CancellationTokenSource? _wait;

    /// <summary>Whether the lease lapsed and no heartbeat has come since.</summary>
    public bool Lapsed { get; private set; }

    /// <summary>
    /// A heartbeat: the lease holds for <paramref name="duration"/> from now, and <paramref name="onLapse"/> runs
    /// (on the caller's scheduler: the grain's) if no other heartbeat comes first.
    /// </summary>
    /// <returns>Whether the lease had lapsed before this heartbeat.</returns>
    public bool Renew(TimeSpan duration, Func<Task> onLapse)
    {
        var wasLapsed = Lapsed;
        Lapsed = false;
        _wait?.Cancel();
        _wait?.Dispose();
        _wait = new CancellationTokenSource();
        _ = LapseAfterAsync(duration, onLapse, _wait.Token);
        return wasLapsed;
    }

    public void Dispose()
    {
        _wait?.Cancel();
        _wait?.Dispose();
    }

    private async Task LapseAfterAsync(TimeSpan duration, Func<Task> onLapse, CancellationToken ct)
    {
        try
        {
            // ConfigureAwait(true): the continuation runs on the grain's own scheduler, one turn at a time with its calls.
            await Task.Delay(duration, time, ct).ConfigureAwait(true);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        Lapsed = true;
        await onLapse().ConfigureAwait(true);
    }
}
