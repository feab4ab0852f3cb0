namespace GrandAmbassador.Docker;

/// <summary>Whether the agent is connected to its engine right now: what a readiness probe asks.</summary>
public sealed class DockerAgentState
{
    private volatile bool _connected;

    /// <summary>True after a full list of the engine's containers, false from the first failure until the next list.</summary>
    public bool Connected
    {
        get => _connected;
        internal set => _connected = value;
    }
}
