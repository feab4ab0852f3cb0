using Microsoft.Extensions.Time.Testing;

namespace GrandAmbassador.Proxy.Tests.Support;

/// <summary>
/// Drives a proxy's timeout sweep (every 15 s of its clock) for the idle and half-close tests. The relay finishes its
/// last send (or marks a FIN) on its own thread just after the test's socket saw the bytes, and nothing signals that
/// it is done, so this is the one place that gives it moments of real time: before the first sweep, and between
/// sweeps (a burst of advances would run every sweep in the same instant, each finding it busy).
/// </summary>
internal static class IdleSweeps
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Sweeps one at a time until <paramref name="timedOut"/> holds, at most 8 times; how many it took
    /// (<see cref="int.MaxValue"/> if never). With a 60 s timeout: the first sweep after the last activity starts the
    /// idle clock and four more reach 60 s, so 5; 6 if the first still found the relay busy.
    /// </summary>
    public static async Task<int> CountUntilAsync(FakeTimeProvider time, Func<bool> timedOut)
    {
        await Task.Delay(100);
        for (var sweeps = 1; sweeps <= 8; sweeps++)
        {
            time.Advance(Period);
            if (timedOut())
            {
                return sweeps;
            }

            await Task.Delay(50);
        }

        return int.MaxValue;
    }
}
