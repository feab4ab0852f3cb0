using Docker.DotNet.Models;
using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Docker.Inspection;

/// <summary>
/// One entry of the engine's container list, reduced to what says its inspect may have changed: a re-list
/// inspects again only the containers whose entry differs from the last list's (value equality). Nothing in
/// it may change with time alone, or every container would look changed at every list: the list's
/// <c>Status</c> ("Up 5 minutes (healthy)") is kept only as its trailing parenthesised part, the health.
/// Collections are sorted, since the engine builds some from maps in no fixed order (Docker's ports).
/// A field an engine leaves out is null at every list of that engine, never a change: Podman's list has no
/// <c>HostConfig</c>, no health in its <c>Status</c> and (4.3) no port <c>IP</c>; its <c>EndpointID</c> is empty.
/// </summary>
/// <param name="Health">The health <c>Status</c> ends with ("(healthy)", "(health: starting)", "(unhealthy)";
/// also "(Paused)"), or null. Podman never says one there: a missed health event on Podman waits for the full sweep.</param>
/// <param name="HealthStatus">The list's own <c>Health.Status</c>, which only newer APIs (1.52) have.</param>
internal sealed record ListedContainer(
    string Id,
    EquatableArray<string> Names,
    string? Image,
    string? ImageId,
    DateTime Created,
    string? State,
    string? Health,
    string? HealthStatus,
    string? NetworkMode,
    EquatableArray<(string Key, string Value)> Labels,
    EquatableArray<ListedContainer.Port> Ports,
    EquatableArray<ListedContainer.Network> Networks)
{
    /// <summary>A published or exposed port as the list shows it.</summary>
    internal sealed record Port(string? Ip, ushort PrivatePort, ushort? PublicPort, string? Type);

    /// <summary>One network the container is on: a new address or endpoint is a new run or a reconnect.</summary>
    internal sealed record Network(string Name, string? IpAddress, long PrefixLength, string? Gateway, string? GlobalIPv6Address, string? EndpointId);

    public static ListedContainer From(ContainerListResponse container) => new(
        container.ID,
        [.. (container.Names ?? []).Order(StringComparer.Ordinal)],
        container.Image,
        container.ImageID,
        container.Created,
        container.State,
        HealthOf(container.Status),
        container.Health?.Status,
        container.HostConfig?.NetworkMode,
        [.. (container.Labels ?? new Dictionary<string, string>())
            .Select(label => (label.Key, label.Value))
            .OrderBy(label => label.Key, StringComparer.Ordinal)],
        [.. (container.Ports ?? [])
            .Select(port => new Port(port.IP, port.PrivatePort, port.PublicPort, port.Type))
            .OrderBy(port => port.PrivatePort)
            .ThenBy(port => port.Type, StringComparer.Ordinal)
            .ThenBy(port => port.Ip, StringComparer.Ordinal)
            .ThenBy(port => port.PublicPort)],
        [.. (container.NetworkSettings?.Networks ?? new Dictionary<string, EndpointSettings>())
            .Where(network => network.Value is not null)
            .Select(network => new Network(
                network.Key,
                network.Value.IPAddress,
                network.Value.IPPrefixLen,
                network.Value.Gateway,
                network.Value.GlobalIPv6Address,
                network.Value.EndpointID))
            .OrderBy(network => network.Name, StringComparer.Ordinal)]);

    /// <summary>The parenthesised part a list <c>Status</c> ends with ("Up 2 hours (healthy)"), or null.</summary>
    /// <remarks>"Exited (0) 3 minutes ago" ends with no parenthesis: its exit code is not health, and the state says it stopped.</remarks>
    internal static string? HealthOf(string? status)
    {
        if (status is null || !status.EndsWith(')'))
        {
            return null;
        }

        var open = status.LastIndexOf('(');
        return open < 0 ? null : status[open..];
    }
}
