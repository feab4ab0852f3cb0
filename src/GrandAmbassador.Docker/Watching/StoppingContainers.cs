using System.Collections.Concurrent;
using Docker.DotNet.Models;
using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Docker.Watching;

/// <summary>
/// Containers Docker has been told to stop but that still run: <c>docker stop</c> sends a signal
/// (a "kill" event) and waits for the process to exit. Inspect still says "running" meanwhile,
/// so only the event tells that new connections should go elsewhere while existing ones drain.
/// </summary>
internal sealed class StoppingContainers
{
    private readonly ConcurrentDictionary<string, bool> _stopping = new(StringComparer.Ordinal);

    /// <summary>Called for every event, in stream order.</summary>
    public void Observe(Message message)
    {
        if (message.Type != "container" || string.IsNullOrEmpty(message.Actor?.ID))
        {
            return;
        }

        switch (message.Action)
        {
            case "kill":
                _stopping[message.Actor.ID] = true;
                break;
            case "start" or "die" or "destroy":
                _stopping.TryRemove(message.Actor.ID, out _);
                break;
        }
    }

    /// <summary>The endpoint as it should be reported: marked when it is running but on its way out.</summary>
    public ContainerEndpoint Mark(ContainerEndpoint endpoint) =>
        endpoint.Running && _stopping.ContainsKey(endpoint.ContainerId) ? endpoint with { Stopping = true } : endpoint;
}
