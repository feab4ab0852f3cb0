using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;

namespace GrandAmbassador.Grains.Tests.Agents;

/// <summary>
/// A drain that reaches a host's grain before its agent has registered there (a new activation: the grain moved
/// with a membership change, or was deactivated while idle) waits for the agent instead of refusing a host that is
/// fine. The agent registers at every membership change and every 10 s.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class HostAgentGrainTests(ClusterFixture cluster)
{
    [Fact]
    public async Task ADrainBeforeTheAgentRegisters_WaitsForIt_AndIsMarked()
    {
        var grain = cluster.Client.GetGrain<IHostAgentGrain>($"host-{Guid.NewGuid():N}");
        var agent = new MarkingAgent();
        var reference = cluster.Client.CreateObjectReference<IAgentControl>(agent);
        try
        {
            // Not answered while no agent is registered (a refusal would come back at once).
            var drain = grain.SetDrainedAsync("web", drained: true);
            Assert.NotSame(drain, await Task.WhenAny(drain, Task.Delay(TimeSpan.FromMilliseconds(300))));

            // The grain is busy with the drain: the registration interleaves with it.
            await grain.RegisterAgentAsync(reference).WaitAsync(TimeSpan.FromSeconds(5));
            var mark = await drain.WaitAsync(TimeSpan.FromSeconds(5));

            Assert.Null(mark.Error);
            Assert.Equal("web", mark.ContainerName);
        }
        finally
        {
            cluster.Client.DeleteObjectReference<IAgentControl>(reference);

            // Orleans holds a local observer weakly: without this the collector may take it mid-test.
            GC.KeepAlive(agent);
        }
    }

    private sealed class MarkingAgent : IAgentControl
    {
        public Task<DrainMark> SetDrainedAsync(string container, bool drained) =>
            Task.FromResult(new DrainMark(null, ContainerName: container, Running: true));
    }
}
