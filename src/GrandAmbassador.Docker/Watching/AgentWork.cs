namespace GrandAmbassador.Docker.Watching;

/// <summary>One thing for the agent to do: re-inspect a container, or (no id) re-list everything.</summary>
internal readonly record struct AgentWork(string? ContainerId)
{
    public static AgentWork Reconcile => default;
}
