using GrandAmbassador.Ambassador;
using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.DataPlane;

/// <summary>
/// The last snapshot a name's proxy was re-pointed from and the plan built from it (both null before the
/// first): the routes a new control-plane generation holds until it has a real snapshot, and the endpoints
/// whose open connections it must carry on (only evidence closes a connection, a new silo is none).
/// </summary>
internal sealed record AppliedRoutes(EndpointSet? Snapshot, RoutePlan? Plan)
{
    public static AppliedRoutes None { get; } = new(null, null);
}
