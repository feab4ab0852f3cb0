namespace GrandAmbassador.Contracts.Endpoints;

/// <summary>
/// One host's ambassador, as it last registered: the names it fronts and their listeners. Separate from
/// <see cref="HostRegistration"/> (the agent's): a host may run an agent, an ambassador, or both.
/// </summary>
[GenerateSerializer, Immutable, Alias("ga.FrontingRegistration")]
public sealed record FrontingRegistration(
    [property: Id(0)] string HostId,
    [property: Id(1)] EquatableArray<FrontedNameListeners> Names,
    [property: Id(2)] DateTimeOffset RegisteredAt);
