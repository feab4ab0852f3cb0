using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;

namespace GrandAmbassador.Host.Tests.Fakes;

/// <summary>Records a host's lease heartbeats for <see cref="FakeGrainFactory"/>; unit tests only.</summary>
internal sealed class FakeHostAgentGrain(string hostId, FakeGrainFactory factory) : IHostAgentGrain
{
    public Task RegisterAgentAsync(IAgentControl agent) => Task.CompletedTask;

    public Task RenewLeaseAsync(HostLease lease) => factory.Record(new FakeGrainCall(hostId, "RenewLease", Argument: lease));

    public Task<DrainMark> SetDrainedAsync(string container, bool drained) => throw new NotSupportedException();
}
