using GrandAmbassador.Docker.Common;

namespace GrandAmbassador.Docker.Tests.Common;

public sealed class ReconnectBackoffTests
{
    [Fact]
    public void Next_DoublesFromMinUpToMax()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(15));

        var delays = Enumerable.Range(0, 8).Select(_ => backoff.Next().TotalSeconds).ToArray();

        Assert.Equal([0.5, 1, 2, 4, 8, 15, 15, 15], delays);
    }

    [Fact]
    public void Reset_StartsAgainFromMin()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(15));
        backoff.Next();
        backoff.Next();

        backoff.Reset();

        Assert.Equal(TimeSpan.FromSeconds(0.5), backoff.Next());
    }

    [Fact]
    public void Next_AfterManyFailures_StaysAtMax()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(15));

        for (var i = 0; i < 1000; i++)
        {
            backoff.Next();
        }

        Assert.Equal(TimeSpan.FromSeconds(15), backoff.Next());
    }

    [Fact]
    public void Next_WithJitter_SpreadsEachWaitBelowItsExponentialValue()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8), jitter: 0.5, new Random(7));
        var delays = Enumerable.Range(0, 5).Select(_ => backoff.Next().TotalSeconds).ToArray();
        double[] ceilings = [1, 2, 4, 8, 8];

        Assert.All(delays.Zip(ceilings), pair => Assert.InRange(pair.First, pair.Second * 0.5, pair.Second));
        // Two followers failing together do not retry together.
        var other = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8), jitter: 0.5, new Random(8));
        Assert.NotEqual(delays, Enumerable.Range(0, 5).Select(_ => other.Next().TotalSeconds).ToArray());
    }
}
