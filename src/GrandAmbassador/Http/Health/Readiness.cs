using GrandAmbassador.DataPlane;
using GrandAmbassador.Docker;
using Microsoft.Extensions.DependencyInjection;

namespace GrandAmbassador.Http.Health;

/// <summary>
/// Ready when the silo is active in its cluster, the agent (if any) is connected to its engine, and
/// every fronted name's listeners are open. Otherwise: the first reason it is not (a port that is taken
/// says which and why).
/// </summary>
internal sealed class Readiness(IServiceProvider services, FrontedNameRegistry names)
{
    public string? WhyNotReady()
    {
        var silo = services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        var membership = services.GetRequiredService<IClusterMembershipService>();
        var status = membership.CurrentSnapshot.GetSiloStatus(silo);
        if (status != SiloStatus.Active)
        {
            return $"silo {silo} is {status.ToString().ToLowerInvariant()}, not active in its cluster";
        }

        // No agent with --no-agent: nothing to be connected.
        if (services.GetService<DockerAgentState>() is { Connected: false })
        {
            return "the agent is not connected to its Docker engine";
        }

        // A taken port first, with its cause: that one needs the user, the others only time.
        var taken = names.Current.Names.Select(FrontedNameListening.WhyNotListening).OfType<string>().ToList();
        if (taken.Count > 0)
        {
            return $"not serving: {string.Join("; ", taken)}";
        }

        var closed = names.Current.Names.Where(name => !name.IsListening()).Select(name => name.Name).ToList();
        return closed.Count > 0 ? $"not listening yet for: {string.Join(", ", closed)}" : null;
    }
}
