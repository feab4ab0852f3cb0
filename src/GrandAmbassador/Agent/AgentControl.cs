using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;
using GrandAmbassador.Docker.Watching;

namespace GrandAmbassador.Agent;

/// <summary>This host's agent as the cluster reaches it (an Orleans observer): drains are passed to <see cref="ContainerDrains"/>.</summary>
internal sealed class AgentControl(ContainerDrains drains) : IAgentControl
{
    public Task<DrainMark> SetDrainedAsync(string container, bool drained) =>
        Task.FromResult(string.IsNullOrWhiteSpace(container)
            ? DrainMark.Refused("no container given")
            : drains.SetDrained(container, drained));
}
