using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Docker.Watching;

/// <summary>
/// What this host's agent reports now, for readers that outlive the agent (the host's relay): it reads the memory of
/// the agent that last completed a full list of the engine. A silo's restart builds a new agent with an empty memory;
/// until that agent has listed the engine, the previous one's memory (correct as of its last report) is what is read.
/// </summary>
public sealed class LocalContainerView
{
    private volatile KnownContainers? _known;

    /// <summary>Whether an agent has listed the engine yet.</summary>
    public bool Listed => _known is not null;

    /// <summary>The container as the agent last reported it, or <c>null</c> when it reports no such container.</summary>
    public ContainerEndpoint? Find(string containerId) => _known?.Find(containerId);

    internal void Attach(KnownContainers known) => _known = known;
}
