using System.Collections.Immutable;
using Docker.DotNet.Models;
using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Docker.Inspection;

/// <summary>Turns a container inspect response into the <see cref="ContainerEndpoint"/> the agent reports.</summary>
internal static class ContainerEndpointMapper
{
    /// <summary>The label with extra names a container answers to; a comma-separated list is allowed.</summary>
    public const string NameLabel = "grand-ambassador.name";

    /// <summary>The label by which a container asks for a PROXY protocol header (v1 or v2) ahead of each connection.</summary>
    public const string ProxyProtocolLabel = "grand-ambassador.proxy-protocol";
    /// <summary>The label with the client networks that may connect to the container's names (CIDRs, comma-separated).</summary>
    public const string AllowLabel = "grand-ambassador.allow";

    public static ContainerEndpoint ToEndpoint(ContainerInspectResponse container, HostIdentity host)
    {
        var state = container.State;
        var name = container.Name.TrimStart('/');
        var stopping = EngineIsStopping(state);
        return new ContainerEndpoint(
            host.HostId,
            container.ID,
            name,
            ServiceNames(name, container.Config?.Labels),
            Addresses(container.NetworkSettings?.Networks),
            ContainerPortsMapper.ToExposedPorts(container.Config?.ExposedPorts, container.NetworkSettings?.Ports),
            Health(state?.Health?.Status),
            stopping || state is { Running: true, Paused: false, Restarting: false },
            DockerTimestamp.Parse(state?.StartedAt),
            host.AdvertiseAddress,
            string.Equals(container.HostConfig?.NetworkMode, "host", StringComparison.Ordinal),
            Stopping: stopping,
            ProxyProtocol: Label(container.Config?.Labels, ProxyProtocolLabel),
            Allow: container.Config?.Labels is { } labels && labels.TryGetValue(AllowLabel, out var allow) && !string.IsNullOrWhiteSpace(allow) ? allow.Trim() : null,
            RelayPort: host.RelayPort);
    }

    /// <summary>
    /// Podman says in inspect that it is stopping a container, and sends no event when the stop
    /// begins: Status "stopping" (4.x), or Status "running" with Running false (5.x), until the
    /// process exits. Such a container still serves the connections it has: it is running and
    /// stopping, not stopped (which would close them). Docker never reports either state.
    /// </summary>
    internal static bool EngineIsStopping(State? state) =>
        state is { Status: "stopping" } or { Status: "running", Running: false, Paused: false, Restarting: false };

    internal static ImmutableArray<string> ServiceNames(string containerName, IDictionary<string, string>? labels)
    {
        var names = ImmutableArray.CreateBuilder<string>();
        if (containerName.Length > 0)
        {
            names.Add(containerName);
        }

        if (labels is not null && labels.TryGetValue(NameLabel, out var value) && value is not null)
        {
            foreach (var label in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!names.Contains(label))
                {
                    names.Add(label);
                }
            }
        }

        return names.ToImmutable();
    }

    internal static string? Label(IDictionary<string, string>? labels, string label) =>
        labels is not null && labels.TryGetValue(label, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim().ToLowerInvariant() : null;

    // Only NetworkSettings.Networks: the top-level IPAddress is deprecated and gone in Docker 29.
    internal static ImmutableArray<NetworkAddress> Addresses(IDictionary<string, EndpointSettings>? networks)
    {
        if (networks is null)
        {
            return [];
        }

        var addresses = ImmutableArray.CreateBuilder<NetworkAddress>();
        foreach (var (network, settings) in networks.OrderBy(n => n.Key, StringComparer.Ordinal))
        {
            if (settings is null)
            {
                continue;
            }

            if (!string.IsNullOrEmpty(settings.IPAddress))
            {
                addresses.Add(new NetworkAddress(network, settings.IPAddress, (int)settings.IPPrefixLen, NullIfEmpty(settings.Gateway)));
            }

            if (!string.IsNullOrEmpty(settings.GlobalIPv6Address))
            {
                addresses.Add(new NetworkAddress(network, settings.GlobalIPv6Address, (int)settings.GlobalIPv6PrefixLen, NullIfEmpty(settings.IPv6Gateway)));
            }
        }

        return addresses.ToImmutable();
    }

    internal static ContainerHealth Health(string? status) => status switch
    {
        "starting" => ContainerHealth.Starting,
        "healthy" => ContainerHealth.Healthy,
        "unhealthy" => ContainerHealth.Unhealthy,
        _ => ContainerHealth.None,
    };

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
