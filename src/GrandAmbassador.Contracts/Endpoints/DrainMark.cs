namespace GrandAmbassador.Contracts.Endpoints;

/// <summary>What a host's agent did with a drain or undrain: the container it marked, or why it marked none.</summary>
/// <param name="Error">Why nothing was marked (no such container, two match…); null when marked.</param>
/// <param name="Container">The container marked.</param>
/// <param name="ContainerName">Its name, without Docker's leading slash.</param>
/// <param name="ServiceNames">Every name it answers to: the names whose ambassadors must confirm.</param>
/// <param name="Running">Whether it runs (a drain of a stopped container has nothing to wait for).</param>
[GenerateSerializer, Immutable, Alias("ga.DrainMark")]
public sealed record DrainMark(
    [property: Id(0)] string? Error,
    [property: Id(1)] ContainerKey? Container = null,
    [property: Id(2)] string ContainerName = "",
    [property: Id(3)] EquatableArray<string> ServiceNames = default,
    [property: Id(4)] bool Running = false)
{
    public static DrainMark Refused(string error) => new(error);
}
