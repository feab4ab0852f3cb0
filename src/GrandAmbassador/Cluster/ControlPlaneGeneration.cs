namespace GrandAmbassador.Cluster;

/// <summary>
/// One run of the control plane (silo, agent, followers) between two silo deaths: how the silo tells
/// the supervisor that the cluster declared it dead.
/// </summary>
internal sealed class ControlPlaneGeneration(int number)
{
    private readonly TaskCompletionSource<string> _declaredDead = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>1 for the first silo of the process, then 2, 3… after each rejoin.</summary>
    public int Number { get; } = number;

    /// <summary>Completes, with Orleans' reason, when this generation's silo was declared dead.</summary>
    public Task<string> DeclaredDead => _declaredDead.Task;

    public void SignalDeclaredDead(string reason) => _declaredDead.TrySetResult(reason);
}
