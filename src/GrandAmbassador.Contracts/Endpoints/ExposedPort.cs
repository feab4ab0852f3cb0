namespace GrandAmbassador.Contracts.Endpoints;

/// <summary>A port the container exposes, and where the host publishes it, if anywhere.</summary>
[GenerateSerializer, Immutable, Alias("ga.ExposedPort")]
public sealed record ExposedPort(
    [property: Id(0)] int ContainerPort,
    [property: Id(1)] PortProtocol Protocol,
    [property: Id(2)] EquatableArray<PublishedPort> Published)
{
    public override string ToString() =>
        $"{ContainerPort}/{Protocol.ToString().ToLowerInvariant()}";
}
