using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Docker.Watching;

/// <summary>
/// What this host's agent reports now, for readers that outlive the agent (the host's relay): it reads the memory of
/// the agent that last completed a full list of the engine. A silo's restart builds a new agent with an empty memory;
/// until that agent has listed the engine, the previous one's memory (correct as of its last report) is what is read.
/// Before the first agent, the host's early listing (the local engine seed, which lists the engine before the silo
/// starts) stands in, so that a restarted host's relay serves within a second rather than once its silo is up.
/// </summary>
public sealed class LocalContainerView
{
    private KnownContainers? _known;

    /// <summary>Whether an agent has listed the engine yet.</summary>
    public bool Listed => Volatile.Read(ref _known) is not null;

    /// <summary>The container as the agent last reported it, or <c>null</c> when it reports no such container.</summary>
    public ContainerEndpoint? Find(string containerId) => Volatile.Read(ref _known)?.Find(containerId);

    /// <summary>An agent has listed the engine: its memory is what is read from now on.</summary>
    internal void Attach(KnownContainers known) => Volatile.Write(ref _known, known);

    /// <summary>The early listing, read only until an agent has listed the engine (it never replaces an agent's memory).</summary>
    internal void AttachEarly(KnownContainers known) => Interlocked.CompareExchange(ref _known, known, null);
}
