using System.Collections.Immutable;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;

namespace GrandAmbassador.Status;

/// <summary>
/// Asks the cluster what it knows: the host directory for the names (those containers answer to and those
/// ambassadors front) and who fronts them, each name's grain for its endpoints.
/// </summary>
internal static class StatusReader
{
    /// <param name="singleHost">No other host exists: no advice on reaching a container from one.</param>
    /// <param name="only">Just this name (known to the cluster or not); null: every name.</param>
    public static async Task<ClusterStatus> ReadAsync(IGrainFactory grains, CancellationToken cancellationToken, bool singleHost = false, string? only = null)
    {
        var directory = grains.GetGrain<IHostDirectoryGrain>(IHostDirectoryGrain.Key);
        var hosts = await directory.GetHostsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var fronting = await directory.GetFrontingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var names = hosts.SelectMany(host => host.Names)
            .Concat(fronting.SelectMany(ambassador => ambassador.Names.Select(name => name.Name)))
            .Append(only ?? string.Empty)
            .Where(name => name.Length > 0 && (only is null || name == only))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        var sets = await Task.WhenAll(names.Select(name => grains.GetGrain<IContainerEndpointGrain>(name).GetAsync().WaitAsync(cancellationToken))).ConfigureAwait(false);
        return new ClusterStatus(
            [.. hosts.Select(host => host.AdvertiseAddress is null ? host.HostId : $"{host.HostId} ({host.AdvertiseAddress})")],
            [.. sets.Select(set => new NameStatus(set.Name, [.. set.Endpoints.Select(endpoint => Describe(endpoint, singleHost))], FrontedBy(fronting, set.Name)))]);
    }

    private static ImmutableArray<FrontedByStatus> FrontedBy(ImmutableArray<FrontingRegistration> fronting, string name) =>
    [
        .. fronting.SelectMany(ambassador => ambassador.Names
            .Where(fronted => fronted.Name == name)
            .Select(fronted => new FrontedByStatus(
                ambassador.HostId, [.. fronted.Listeners.Select(listener => listener.ToString())], fronted.ProxyProtocol, fronted.AcceptProxy, fronted.Access))),
    ];

    /// <summary>Said of a running container no host can reach (Podman 4 even drops its exposed ports then).</summary>
    private const string NoAddress = "nowhere: " + Ambassador.RouteBuilder.NoAddressReason;

    private static EndpointStatus Describe(ContainerEndpoint endpoint, bool singleHost) =>
        new(
            endpoint.HostId,
            endpoint.ContainerName,
            endpoint.ShortId,
            !endpoint.Running ? "stopped" : endpoint.Stopping ? "stopping" : "running",
            endpoint.Health == ContainerHealth.None ? "no healthcheck" : endpoint.Health.ToString().ToLowerInvariant(),
            endpoint.StartedAt,
            [.. endpoint.Ports.Select(port => DescribePort(endpoint, port, singleHost))],
            endpoint.Running && !endpoint.HostNetwork && endpoint.Addresses.Length == 0 && endpoint.Ports.All(port => port.Published.IsDefaultOrEmpty)
                ? NoAddress
                : null,
            endpoint.ProxyProtocol is null or "v1" or "v2" ? endpoint.ProxyProtocol : $"{endpoint.ProxyProtocol} (ignored)");

    private static PortStatus DescribePort(ContainerEndpoint endpoint, ExposedPort port, bool singleHost)
    {
        var published = port.Published.IsDefault ? [] : port.Published
            .Select(p => HostPort.Join(p.HostIp is "0.0.0.0" or "::" or "" ? endpoint.AdvertiseAddress ?? p.HostIp : p.HostIp, p.HostPort))
            .Distinct()
            .ToImmutableArray();
        var addresses = endpoint.HostNetwork
            ? ImmutableArray.Create($"host network:{port.ContainerPort}")
            : [.. endpoint.Addresses.Select(address => $"{HostPort.Join(address.Address, port.ContainerPort)} ({address.Network})")];
        // Other hosts reach a container only through a port its host publishes (see RouteBuilder).
        var reachable = (published.IsEmpty, singleHost) switch
        {
            (true, _) when addresses.Length == 0 => NoAddress,
            (_, true) => "this host",
            (true, false) => $"{endpoint.HostId} only (not published: run it with -p to reach it from other hosts)",
            (false, false) => "every host",
        };
        return new PortStatus(port.ToString(), addresses, published, reachable);
    }
}
