using Docker.DotNet.Models;

namespace GrandAmbassador.Docker.Watching;

/// <summary>Decides which engine events can change a container's endpoint, and which container they are about.</summary>
internal static class ContainerEventFilter
{
    // exec_create/exec_start/exec_die (every health probe), attach, top, resize, commit…
    // change nothing the proxy needs, and health probes make them frequent.
    private static readonly HashSet<string> ContainerActions = new(StringComparer.Ordinal)
    {
        "create", "start", "restart", "die", "stop", "kill", "oom", "pause", "unpause",
        "destroy", "rename", "update", "health_status",
        "remove", // Podman's destroy
    };

    /// <summary>The container id the event is about when it matters, else <c>null</c>.</summary>
    public static string? ContainerIdOf(Message message)
    {
        var attributes = message.Actor?.Attributes;
        switch (message.Type)
        {
            case "container" when ContainerActions.Contains(BaseAction(message.Action)):
                return NullIfEmpty(message.Actor?.ID);
            // Network events are about the network; the container is an attribute.
            case "network" when message.Action is "connect" or "disconnect"
                && attributes is not null && attributes.TryGetValue("container", out var container):
                return NullIfEmpty(container);
            default:
                return null;
        }
    }

    // "health_status: healthy" → "health_status".
    private static string BaseAction(string action)
    {
        var colon = action.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? action : action[..colon];
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
