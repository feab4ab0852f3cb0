using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace GrandAmbassador.Host.Tests.Ambassador;

/// <summary>
/// A fake clock that tells the test each timer the code under test sets, with its due time, so a test
/// moves the clock exactly when and as far as a timer needs, instead of guessing with real time.
/// </summary>
internal sealed class TimerWatchingClock : FakeTimeProvider
{
    private readonly Channel<TimeSpan> _created = Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _created.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>The due time of the next timer set that <paramref name="wanted"/> picks (others are skipped).</summary>
    public async Task<TimeSpan> NextTimerAsync(Func<TimeSpan, bool> wanted, TimeSpan guard)
    {
        using var timeout = new CancellationTokenSource(guard);
        while (true)
        {
            var due = await _created.Reader.ReadAsync(timeout.Token);
            if (wanted(due))
            {
                return due;
            }
        }
    }
}
