using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Contracts.Grains;

/// <summary>One host's Docker agent, as its silo registers it with that host's <see cref="IHostAgentGrain"/>.</summary>
[Alias("ga.IAgentControl")]
public interface IAgentControl : IGrainObserver
{
    /// <summary>
    /// Marks (or unmarks) one container Stopping in everything the agent reports from now on, in the
    /// agent's own sequence, until <c>undrain</c> or the container's next start.
    /// <paramref name="container"/> is its name, full id or an unambiguous id prefix.
    /// </summary>
    [Alias("SetDrained")]
    Task<DrainMark> SetDrainedAsync(string container, bool drained);
}
