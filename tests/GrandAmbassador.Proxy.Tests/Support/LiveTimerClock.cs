using Microsoft.Extensions.Time.Testing;

namespace GrandAmbassador.Proxy.Tests.Support;

/// <summary>
/// A fake clock that knows which of the timers it made are still live (neither disposed nor fired once
/// without a period), so a test can check that code under test does not leave timers behind.
/// </summary>
internal sealed class LiveTimerClock : FakeTimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<(TimeSpan Due, TrackedTimer Timer)> _timers = [];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var tracked = new TrackedTimer();
        tracked.Inner = base.CreateTimer(
            s =>
            {
                if (period == Timeout.InfiniteTimeSpan)
                {
                    tracked.Ended = true;
                }

                callback(s);
            },
            state,
            dueTime,
            period);
        lock (_lock)
        {
            _timers.Add((dueTime, tracked));
        }

        return tracked;
    }

    /// <summary>How many timers made with a due time of <paramref name="due"/> are still live.</summary>
    public int LiveTimers(TimeSpan due)
    {
        lock (_lock)
        {
            return _timers.Count(t => t.Due == due && !t.Timer.Ended);
        }
    }

    private sealed class TrackedTimer : ITimer
    {
        public ITimer Inner { get; set; } = null!;

        private int _ended;

        public bool Ended
        {
            get => Volatile.Read(ref _ended) == 1;
            set => Volatile.Write(ref _ended, value ? 1 : 0);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period) => Inner.Change(dueTime, period);

        public void Dispose()
        {
            Ended = true;
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Ended = true;
            return Inner.DisposeAsync();
        }
    }
}
