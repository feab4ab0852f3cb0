using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;

namespace GrandAmbassador.Host.Tests.Fakes;

/// <summary>Records reports and removals for <see cref="FakeGrainFactory"/>, and lets it answer reads and subscribes; unit tests only.</summary>
internal sealed class FakeContainerEndpointGrain(string name, FakeGrainFactory factory) : IContainerEndpointGrain
{
    public Task ReportAsync(ContainerEndpoint endpoint, TimeSpan lease, SiloAddress? reporter = null) =>
        factory.Record(new FakeGrainCall(name, "Report", endpoint.ContainerId, endpoint.Sequence));

    public Task RemoveAsync(string hostId, string containerId, long sequence = 0) =>
        factory.Record(new FakeGrainCall(name, "Remove", containerId, sequence));

    public Task<EndpointSet> GetAsync() => Task.FromResult(factory.Snapshots.GetValueOrDefault(name) ?? new EndpointSet(name, 1, []));

    public Task HostLeaseAsync(string hostId, bool fresh) => factory.Record(new FakeGrainCall(name, fresh ? "LeaseRenewed" : "LeaseLapsed"));

    public Task AppliedAsync(RoutesApplied applied) => Task.CompletedTask;

    public Task<DrainConfirmations> GetDrainConfirmationsAsync(ContainerKey container) => throw new NotSupportedException();

    public Task<EndpointSet> SubscribeAsync(IEndpointObserver observer) => factory.OnSubscribe(name, observer);

    public Task<EndpointSet?> RenewAsync(IEndpointObserver observer, Guid epoch, long version) => factory.OnRenew(name, observer, epoch, version);

    public Task UnsubscribeAsync(IEndpointObserver observer) => Task.CompletedTask;
}
