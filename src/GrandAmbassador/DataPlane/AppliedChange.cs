using System.Collections.Immutable;
using GrandAmbassador.Proxy.Engine;

namespace GrandAmbassador.DataPlane;

/// <summary>
/// One apply to a fronted name, before and after: what the logs say changed, computed from the name's
/// own record rather than from a copy each steerer keeps.
/// </summary>
/// <param name="Before">What was applied before (<see cref="AppliedRoutes.None"/> at first).</param>
/// <param name="FailedBefore">The ports that could not be bound before.</param>
/// <param name="After">What is applied now.</param>
/// <param name="Failed">The ports this apply could not bind, with the reason: retried at the next apply.</param>
internal sealed record AppliedChange(AppliedRoutes Before, ImmutableArray<ListenFailure> FailedBefore, AppliedRoutes After, ImmutableArray<ListenFailure> Failed);
