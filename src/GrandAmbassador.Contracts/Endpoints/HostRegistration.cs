namespace GrandAmbassador.Contracts.Endpoints;

/// <summary>One host's agent, as it last registered: where it is, and the names its containers answer to.</summary>
[GenerateSerializer, Immutable, Alias("ga.HostRegistration")]
public sealed record HostRegistration(
    [property: Id(0)] string HostId,
    [property: Id(1)] string? AdvertiseAddress,
    [property: Id(2)] EquatableArray<string> Names,
    [property: Id(3)] DateTimeOffset RegisteredAt);
