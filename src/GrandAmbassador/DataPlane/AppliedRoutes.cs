using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.DataPlane;

/// <summary>
/// The last snapshot a name's proxy was re-pointed from and the plan built from it (both null before the
/// first): the routes a new control-plane generation holds until it has a real snapshot, and the endpoints
/// whose open connections it must carry on (only evidence closes a connection, docs/architecture.md#only-evidence-closes-a-connection).
/// </summary>
internal sealed record AppliedRoutes(EndpointSet? Snapshot, RoutePlan? Plan)
{
    /// <summary>
    /// The epoch of the snapshots the local engine's seed builds (see <see cref="LocalEngine.LocalEngineSeed"/>);
    /// no grain activation has it, so a follower knows what it takes over from.
    /// </summary>
    public static readonly Guid LocalEngineEpoch = new("5eed5eed-5eed-4eed-8eed-5eed5eed5eed");

    public static AppliedRoutes None { get; } = new(null, null);

    /// <summary>Whether the local engine's seed applied it, before any follower.</summary>
    public bool FromLocalEngine => Snapshot?.Epoch == LocalEngineEpoch;
}
