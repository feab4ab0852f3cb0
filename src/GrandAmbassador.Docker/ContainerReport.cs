using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Docker;

/// <summary>
/// One container as the agent reports it now, with what it last reported for the same container: the
/// agent keeps that memory (one per agent, across engine sessions), so that a sink needs none of its
/// own to find the names a renamed or relabelled container left.
/// </summary>
/// <param name="Endpoint">The container's state now (running or not), numbered in the agent's sequence.</param>
/// <param name="Previous">What the agent last reported for this container, or <c>null</c> when it has not
/// reported it before (or reported it removed since).</param>
public sealed record ContainerReport(ContainerEndpoint Endpoint, ContainerEndpoint? Previous)
{
    /// <summary>
    /// Whether it is news: not reported before, or different from its last report in anything but its sequence
    /// number (a sequence alone changing is the same state seen again).
    /// </summary>
    public bool Changed => Previous is null || Previous with { Sequence = Endpoint.Sequence } != Endpoint;

    /// <summary>The names the container answered to when last reported and no longer does (rename, label change).</summary>
    public IEnumerable<string> LeftNames =>
        Previous is null ? [] : Previous.ServiceNames.Except(Endpoint.ServiceNames, StringComparer.Ordinal);

    /// <summary>The names it answers to now and did not when last reported: all of them for one not reported before.</summary>
    public IEnumerable<string> NewNames =>
        Previous is null ? Endpoint.ServiceNames : Endpoint.ServiceNames.Except(Previous.ServiceNames, StringComparer.Ordinal);
}
