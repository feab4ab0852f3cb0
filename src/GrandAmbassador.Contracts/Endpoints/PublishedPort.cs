namespace GrandAmbassador.Contracts.Endpoints;

/// <summary>A host port that Docker forwards to a container port (<c>-p HOST:CONTAINER</c>).</summary>
/// <param name="HostIp">The host address it is bound to; "0.0.0.0" or "::" for every address.</param>
/// <param name="HostPort">The port on the host.</param>
[GenerateSerializer, Immutable, Alias("ga.PublishedPort")]
public sealed record PublishedPort(
    [property: Id(0)] string HostIp,
    [property: Id(1)] int HostPort);
