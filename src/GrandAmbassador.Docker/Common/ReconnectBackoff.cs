namespace GrandAmbassador.Docker.Common;

/// <summary>
/// The process's one backoff between retries: min, 2×min, 4×min… up to max. With
/// <c>jitter</c> j, each wait is drawn from between (1−j)·d and d: every follower and every host
/// fails at the same membership change or the same Redis outage, and without jitter they would
/// all retry in the same instant. The agent uses none: it talks to one local engine, there is no herd.
/// </summary>
internal sealed class ReconnectBackoff
{
    private readonly TimeSpan _min;
    private readonly TimeSpan _max;
    private readonly double _jitter;
    private readonly Random _random;
    private int _failures;

    public ReconnectBackoff(TimeSpan min, TimeSpan max, double jitter = 0, Random? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(jitter, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(jitter, 1);
        _min = min;
        _max = max;
        _jitter = jitter;
        _random = random ?? Random.Shared;
    }

    /// <summary>The wait before the next attempt; each call doubles the following one.</summary>
    public TimeSpan Next()
    {
        var exponent = Math.Min(_failures++, 30);
        var delay = _min * Math.Pow(2, exponent);
        var capped = delay < _max ? delay : _max;
        return _jitter == 0 ? capped : capped * (1 - (_jitter * _random.NextDouble()));
    }

    /// <summary>After a session got going: the next failure waits <c>min</c> again.</summary>
    public void Reset() => _failures = 0;
}
