namespace GrandAmbassador.Docker.Connection;

/// <summary>
/// Exponential backoff between reconnection attempts: min, 2×min, 4×min… up to max.
/// No jitter: one agent talks to one local engine, so there is no herd to spread out.
/// </summary>
internal sealed class ReconnectBackoff(TimeSpan min, TimeSpan max)
{
    private int _failures;

    /// <summary>The wait before the next attempt; each call doubles the following one.</summary>
    public TimeSpan Next()
    {
        var exponent = Math.Min(_failures++, 30);
        var delay = min * Math.Pow(2, exponent);
        return delay < max ? delay : max;
    }

    /// <summary>After a session got going: the next failure waits <c>min</c> again.</summary>
    public void Reset() => _failures = 0;
}
