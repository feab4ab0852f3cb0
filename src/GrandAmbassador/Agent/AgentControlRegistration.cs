using GrandAmbassador.Cluster;
using GrandAmbassador.Contracts.Grains;
using GrandAmbassador.Docker.Watching;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Agent;

/// <summary>
/// Registers this host's agent with its <see cref="IHostAgentGrain"/>, so that a drain sent from any host
/// reaches it: at start, every <see cref="Renewal"/> (10 s after a failure) and at every membership change (the grain may have
/// moved and come back empty; observers are not durable).
/// </summary>
internal sealed class AgentControlRegistration(
    IGrainFactory grains,
    ContainerDrains drains,
    HostIdentity host,
    ClusterChanges changes,
    TimeProvider time,
    ILogger<AgentControlRegistration> logger) : BackgroundService
{
    // The lease's heartbeat (every reconcile) keeps the grain active, and a membership change, which is what moves it,
    // registers again at once: the renewal is only a safety net. A failed registration is retried sooner.
    private static readonly TimeSpan Renewal = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Orleans holds a local observer only weakly: without this strong reference the garbage collector
        // takes it, and every drain sent to this host times out ("… has been garbage collected").
        var control = new AgentControl(drains);
        var reference = grains.CreateObjectReference<IAgentControl>(control);
        var grain = grains.GetGrain<IHostAgentGrain>(host.HostId);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var changed = changes.Next;
                var next = Renewal;
                try
                {
                    await grain.RegisterAgentAsync(reference).WaitAsync(CallTimeout, time, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    AgentLog.AgentRegistrationFailed(logger, host.HostId, exception.Message.Split('\n')[0]);
                    next = RetryAfterFailure;
                }

                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                await Task.WhenAny(Task.Delay(next, time, wait.Token), changed).ConfigureAwait(false);
                await wait.CancelAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            GC.KeepAlive(control);
            try
            {
                grains.DeleteObjectReference<IAgentControl>(reference);
            }
            catch (ArgumentException)
            {
                // Already unregistered by the runtime (its silo stopped first): nothing left to delete.
            }
        }
    }
}
