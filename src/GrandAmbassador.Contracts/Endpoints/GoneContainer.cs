namespace GrandAmbassador.Contracts.Endpoints;

/// <summary>
/// A container its own host's agent said is gone (destroyed, or no longer answering to the name):
/// the evidence on which a subscriber closes the open connections to any run of it.
/// </summary>
/// <param name="HostId">The host it was on.</param>
/// <param name="ContainerId">The full Docker container id.</param>
[GenerateSerializer, Immutable, Alias("ga.GoneContainer")]
public sealed record GoneContainer(
    [property: Id(0)] string HostId,
    [property: Id(1)] string ContainerId);
