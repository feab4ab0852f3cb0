using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Docker.Tests.Lab;

/// <summary>One call the agent made on its sink.</summary>
internal abstract record SinkCall
{
    public sealed record Report(ContainerEndpoint Endpoint, ContainerEndpoint? Previous) : SinkCall;

    public sealed record Remove(string ContainerId, ContainerEndpoint? Last, long Sequence) : SinkCall;

    public sealed record Reconcile(IReadOnlyList<ContainerReport> Reports, IReadOnlyList<ContainerEndpoint> Gone, long Sequence) : SinkCall
    {
        public IReadOnlyList<ContainerEndpoint> All => [.. Reports.Select(report => report.Endpoint)];
    }
}
