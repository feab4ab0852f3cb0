namespace GrandAmbassador.Contracts.Endpoints;

/// <summary>
/// One name an ambassador fronts and the ports it listens on for it (none yet: not listening), and who may connect
/// to it there (<see cref="Access"/>: "allow 10.0.0.0/8; 50 open per client"; null: everyone, no limit per client).
/// </summary>
[GenerateSerializer, Immutable, Alias("ga.FrontedNameListeners")]
public sealed record FrontedNameListeners(
    [property: Id(0)] string Name,
    [property: Id(1)] EquatableArray<FrontedListener> Listeners,
    [property: Id(4)] string? Access = null);
