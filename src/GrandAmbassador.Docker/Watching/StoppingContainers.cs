using System.Collections.Concurrent;
using Docker.DotNet.Models;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Docker.Inspection;

namespace GrandAmbassador.Docker.Watching;

/// <summary>
/// Containers Docker has been told to stop but that still run: <c>docker stop</c> sends the
/// container's stop signal (a "kill" event) and waits for the process to exit. Inspect still says
/// "running" meanwhile, so only the event tells that new connections should go elsewhere while
/// existing ones drain. Only the container's own stop signal (<c>Config.StopSignal</c>, default
/// SIGTERM) or SIGKILL means that: HUP, USR1 and the like reload or reopen logs, and change nothing.
/// A kill event without a signal (Podman's) marks nothing: see <see cref="Observe"/>.
/// A container still running when its stop timeout plus <see cref="Margin"/> has passed is not
/// stopping after all (the stop failed, or the signal was sent by hand) and is judged again from
/// inspect. Per session: after a reconnect every container is judged from inspect afresh.
/// </summary>
internal sealed class StoppingContainers(TimeProvider time)
{
    /// <summary>Added to the stop timeout: Docker's SIGKILL and the exit take a moment to be seen.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, (int Signal, DateTimeOffset At)> _signalled = new(StringComparer.Ordinal);

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
                // Podman's kill events carry no signal (a `kill -s HUP` and a `kill` look the same),
                // and Podman sends none for a stop: such an event marks nothing. The re-inspect it
                // queues decides, and Podman's inspect says when it is stopping a container.
                if (message.Actor.Attributes is { } attributes && attributes.TryGetValue("signal", out var value)
                    && StopSignals.Parse(value) is { } signal)
                {
                    _signalled[message.Actor.ID] = (signal, time.GetUtcNow());
                }

                break;
            case "start" or "die" or "destroy" or "remove":
                _signalled.TryRemove(message.Actor.ID, out _);
                break;
        }
    }

    /// <summary>The endpoint as it should be reported: marked when it is running but on its way out.</summary>
    public ContainerEndpoint Mark(InspectedContainer container)
    {
        var endpoint = container.Endpoint;
        if (!endpoint.Running || !_signalled.TryGetValue(endpoint.ContainerId, out var signalled))
        {
            return endpoint;
        }

        if (signalled.Signal != container.StopSignal && signalled.Signal != StopSignals.Kill)
        {
            return endpoint;
        }

        if (time.GetUtcNow() >= signalled.At + container.StopTimeout + Margin)
        {
            // Still running long after it should have exited: not stopping after all.
            _signalled.TryRemove(KeyValuePair.Create(endpoint.ContainerId, signalled));
            return endpoint;
        }

        return endpoint with { Stopping = true };
    }

    /// <summary>When a container marked stopping must be judged again if it is still running.</summary>
    public DateTimeOffset? RecheckAt(InspectedContainer container) =>
        _signalled.TryGetValue(container.Endpoint.ContainerId, out var signalled)
            ? signalled.At + container.StopTimeout + Margin
            : null;
}
