using GrandAmbassador.Cluster;

namespace GrandAmbassador.Host.Tests.Cluster;

public sealed class ClusterChangesTests
{
    [Fact]
    public void SeveralChanges_BeforeTheReaderLooksAgain_CoalesceIntoOneSignal()
    {
        var changes = new ClusterChanges();
        var next = changes.Next;

        changes.Signal();
        changes.Signal();
        changes.Signal();

        // The reader wakes once for all three; the next read waits for a change still to come.
        Assert.True(next.IsCompleted);
        var after = changes.Next;
        Assert.NotSame(next, after);
        Assert.False(after.IsCompleted);
        changes.Signal();
        Assert.True(after.IsCompleted);
    }
}
