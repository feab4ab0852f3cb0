namespace GrandAmbassador.Contracts.Endpoints;

/// <summary>A port an ambassador listens on for a fronted name.</summary>
[GenerateSerializer, Immutable, Alias("ga.FrontedListener")]
public sealed record FrontedListener(
    [property: Id(0)] int Port,
    [property: Id(1)] PortProtocol Protocol)
{
    /// <summary>Docker's notation, <c>8080/tcp</c>, as everywhere else in status and the page.</summary>
    public override string ToString() => $"{Port}/{Protocol.ToString().ToLowerInvariant()}";
}
