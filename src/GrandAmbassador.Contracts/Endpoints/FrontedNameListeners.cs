namespace GrandAmbassador.Contracts.Endpoints;

/// <summary>One name an ambassador fronts and the ports it listens on for it (none yet: not listening).</summary>
[GenerateSerializer, Immutable, Alias("ga.FrontedNameListeners")]
public sealed record FrontedNameListeners(
    [property: Id(0)] string Name,
    [property: Id(1)] EquatableArray<FrontedListener> Listeners);
