using System.Collections.Immutable;
using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Draining;

/// <summary>How a drain ended.</summary>
/// <param name="Mark">What the container's agent marked, or why it marked nothing (<see cref="DrainMark.Error"/>).</param>
/// <param name="Confirmed">The ambassadors that confirmed they no longer dial it, per name.</param>
/// <param name="Pending">Those that had not confirmed when the time was up (empty: done).</param>
/// <param name="Waited">From the request to the last confirmation (or to the timeout).</param>
/// <param name="Marked">Whether every one of its names' grains had the agent's Stopping report.</param>
internal sealed record DrainResult(DrainMark Mark, ImmutableArray<FrontingName> Confirmed, ImmutableArray<FrontingName> Pending, TimeSpan Waited, bool Marked)
{
    public bool Done => Mark.Error is null && Marked && Pending.IsEmpty;
}
