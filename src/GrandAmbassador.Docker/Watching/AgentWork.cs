namespace GrandAmbassador.Docker.Watching;

/// <summary>
/// One thing for the agent to do: re-inspect a container, re-judge it from its last inspect without
/// asking the engine (<see cref="Restate"/>: a stop signal or a drain changes nothing inspect would
/// show), or (no id) re-list everything.
/// </summary>
internal readonly record struct AgentWork(string? ContainerId, bool Restate = false)
{
    public static AgentWork Reconcile => default;
}
