using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;

namespace GrandAmbassador.Grains.Agents;

/// <summary>
/// Where one host's agent can be reached: its silo registers the agent as an observer (renewed on a
/// timer and at membership changes, since observers are not durable), and a drain is passed on to it.
/// Holds nothing else: the drain marks live in the agent, which reports them in its own sequence.
/// Placed on the silo that first calls it, which is the host's own (its agent registers at start): a grain that
/// only reaches one host's agent should fail with that host, not with whichever silo the cluster picked. Placed
/// on another host, a drain of host a was refused while an unrelated host b was cut off, until b was declared dead.
/// </summary>
[Orleans.Placement.PreferLocalPlacement]
internal sealed class HostAgentGrain(TimeProvider time) : Grain, IHostAgentGrain
{
    /// <summary>A healthy agent answers in milliseconds; one on a silo that just died would hold the caller for Orleans' 30 s.</summary>
    private static readonly TimeSpan AgentTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a drain waits for a new activation to learn its agent: the agent registers at every membership
    /// change and every 10 s, and a membership change is what moves this grain (its silo died, or the
    /// directory entry did). Without the wait a drain issued then is refused for a host that is fine.
    /// </summary>
    private static readonly TimeSpan RegistrationWait = TimeSpan.FromSeconds(10);

    private readonly TaskCompletionSource<IAgentControl> _registered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IAgentControl? _agent;

    private string HostId => this.GetPrimaryKeyString();

    public Task RegisterAgentAsync(IAgentControl agent)
    {
        _agent = agent;
        _registered.TrySetResult(agent);
        return Task.CompletedTask;
    }

    public async Task<DrainMark> SetDrainedAsync(string container, bool drained)
    {
        if (await AgentAsync().ConfigureAwait(true) is not { } agent)
        {
            return DrainMark.Refused($"no agent of host {HostId} is registered (wrong --host, or its ambassador runs with --no-agent or is not in this cluster)");
        }

        try
        {
            return await agent.SetDrainedAsync(container, drained).WaitAsync(AgentTimeout, time).ConfigureAwait(true);
        }
        catch (TimeoutException)
        {
            return DrainMark.Refused($"the agent of host {HostId} did not answer within {AgentTimeout.TotalSeconds:F0} s");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return DrainMark.Refused($"the agent of host {HostId} cannot be reached: {exception.Message.Split('\n')[0]}");
        }
    }

    /// <summary>The registered agent, or the first to register within <see cref="RegistrationWait"/>; null when none does.</summary>
    private async Task<IAgentControl?> AgentAsync()
    {
        if (_agent is { } agent)
        {
            return agent;
        }

        try
        {
            return await _registered.Task.WaitAsync(RegistrationWait, time).ConfigureAwait(true);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }
}
