using GrandAmbassador.Configuration;

namespace GrandAmbassador.Ambassador;

/// <summary>
/// The names this process fronts, changeable at run time (the HTTP API and page use it). Names from
/// the command line are in it from the start.
/// </summary>
internal interface IFrontedNames
{
    /// <summary>Every fronted name, sorted, with the state of its listeners.</summary>
    IReadOnlyList<FrontedName> Current { get; }

    /// <summary>Starts fronting <paramref name="service"/>: its explicit ports are bound before this returns.</summary>
    /// <returns>Null when it is fronted now; otherwise the one-line reason it is not.</returns>
    Task<string?> TryAddAsync(FrontedService service, CancellationToken cancellationToken);

    /// <summary>Stops fronting <paramref name="name"/>: closes its listeners and connections.</summary>
    /// <returns>False when it was not fronted.</returns>
    Task<bool> RemoveAsync(string name, CancellationToken cancellationToken);

    /// <summary>Raised after a name was added or removed, or a fronted name's routes changed.</summary>
    event Action? Changed;
}
