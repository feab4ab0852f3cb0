using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Docker.Tests.Lab;

/// <summary>One call the agent made on its sink.</summary>
internal abstract record SinkCall
{
    public sealed record Report(ContainerEndpoint Endpoint) : SinkCall;

    public sealed record Remove(string ContainerId, long Sequence) : SinkCall;

    public sealed record Reconcile(IReadOnlyList<ContainerEndpoint> All, long Sequence) : SinkCall;
}
