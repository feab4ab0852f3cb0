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
            // The drain is sent first, the registration after it: without the wait the drain is refused at once.
            // The grain is busy with the drain then, so the registration must interleave to reach it.
            var drain = grain.SetDrainedAsync("web", drained: true);
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
