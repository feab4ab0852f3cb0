namespace GrandAmbassador.Contracts.Endpoints;

/// <summary>How far a drain of one container has come in one name's grain.</summary>
/// <param name="Marked">The grain no longer offers the container for new connections (it is stopping,
/// unhealthy, stopped or gone); until then no ambassador can have applied the drain.</param>
/// <param name="ConfirmedBy">The ambassadors (host ids) whose proxies applied a snapshot that no longer
/// offers it and said that their routes no longer dial it.</param>
/// <param name="Heard">Every ambassador that told this activation what it dials: one the host directory
/// forgot (it moved with a silo that died) is still waited for.</param>
[GenerateSerializer, Immutable, Alias("ga.DrainConfirmations")]
public sealed record DrainConfirmations(
    [property: Id(0)] bool Marked,
    [property: Id(1)] EquatableArray<string> ConfirmedBy,
    [property: Id(2)] EquatableArray<string> Heard = default);
