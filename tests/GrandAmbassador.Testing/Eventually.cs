namespace GrandAmbassador.Testing;

/// <summary>
/// Retries a check until it passes, for what a test can only observe from outside (a port that
/// starts answering). The deadline is a hang guard, not a timing assertion.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(60);

    public static async Task<T> GetAsync<T>(Func<Task<T>> attempt, TimeSpan? deadline = null, string? what = null)
    {
        var until = DateTime.UtcNow + (deadline ?? DefaultDeadline);
        Exception? last = null;
        while (DateTime.UtcNow < until)
        {
            try
            {
                return await attempt();
            }
            catch (Exception exception)
            {
                last = exception;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{what ?? "condition"} did not hold within {(deadline ?? DefaultDeadline).TotalSeconds} s; last error: {last?.Message}", last);
    }
}
