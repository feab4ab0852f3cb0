using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;

namespace GrandAmbassador.Grains.Agents;

/// <summary>
/// Where one host's agent can be reached: its silo registers the agent as an observer (renewed on a
/// timer and at membership changes, since observers are not durable), and a drain is passed on to it.
/// Holds nothing else: the drain marks live in the agent, which reports them in its own sequence.
/// </summary>
internal sealed class HostAgentGrain(TimeProvider time) : Grain, IHostAgentGrain
{
    /// <summary>A healthy agent answers in milliseconds; one on a silo that just died would hold the caller for Orleans' 30 s.</summary>
    private static readonly TimeSpan AgentTimeout = TimeSpan.FromSeconds(5);

    private IAgentControl? _agent;

    private string HostId => this.GetPrimaryKeyString();

    public Task RegisterAgentAsync(IAgentControl agent)
    {
        _agent = agent;
        return Task.CompletedTask;
    }

    public async Task<DrainMark> SetDrainedAsync(string container, bool drained)
    {
        if (_agent is not { } agent)
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
}
