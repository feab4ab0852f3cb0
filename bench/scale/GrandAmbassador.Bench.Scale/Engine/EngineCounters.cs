namespace GrandAmbassador.Bench.Scale.Engine;

/// <summary>What every simulated engine was asked, summed over all hosts: the load the agents put on their engines.</summary>
internal sealed class EngineCounters
{
    private long _inspects;
    private long _lists;

    public long Inspects => Interlocked.Read(ref _inspects);

    public long Lists => Interlocked.Read(ref _lists);

    public void Inspected() => Interlocked.Increment(ref _inspects);

    public void Listed() => Interlocked.Increment(ref _lists);
}
