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
            [.. sets.Select(set => new NameStatus(
                set.Name,
                [.. set.Endpoints.Select(endpoint => Describe(endpoint, singleHost, Reached(fronting, set.Name, endpoint)))],
                FrontedBy(fronting, set.Name)))]);
    }

    /// <summary>How each ambassador fronting <paramref name="name"/> reaches <paramref name="endpoint"/>, as it registered, by ambassador.</summary>
    private static List<(string From, PortReach Reach)> Reached(ImmutableArray<FrontingRegistration> fronting, string name, ContainerEndpoint endpoint) =>
    [
        .. fronting
            .OrderBy(ambassador => ambassador.HostId, StringComparer.Ordinal)
            .SelectMany(ambassador => ambassador.Names
                .Where(fronted => fronted.Name == name)
                .SelectMany(fronted => fronted.Reached)
                .Where(reach => reach.HostId == endpoint.HostId && (reach.ContainerId == endpoint.ContainerId || reach.ContainerId == endpoint.ContainerName))
                .Select(reach => (ambassador.HostId, reach))),
    ];

    private static ImmutableArray<FrontedByStatus> FrontedBy(ImmutableArray<FrontingRegistration> fronting, string name) =>
    [
        .. fronting.SelectMany(ambassador => ambassador.Names
            .Where(fronted => fronted.Name == name)
            .Select(fronted => new FrontedByStatus(
                ambassador.HostId, [.. fronted.Listeners.Select(listener => listener.ToString())], fronted.ProxyProtocol, fronted.AcceptProxy, fronted.Access))),
    ];

    /// <summary>Said of a running container no host can reach (Podman 4 even drops its exposed ports then).</summary>
    private const string NoAddress = "nowhere: " + Ambassador.RouteBuilder.NoAddressReason;

    private static EndpointStatus Describe(ContainerEndpoint endpoint, bool singleHost, List<(string From, PortReach Reach)> reached) =>
        new(
            endpoint.HostId,
            endpoint.ContainerName,
            endpoint.ShortId,
            !endpoint.Running ? "stopped" : endpoint.Stopping ? "stopping" : "running",
            endpoint.Health == ContainerHealth.None ? "no healthcheck" : endpoint.Health.ToString().ToLowerInvariant(),
            endpoint.StartedAt,
            [.. endpoint.Ports.Concat(ReachedOnly(endpoint, reached)).Select(port => DescribePort(endpoint, port, singleHost, reached))],
            endpoint.Running && !endpoint.HostNetwork && endpoint.Addresses.Length == 0 && endpoint.Ports.All(port => port.Published.IsDefaultOrEmpty)
                ? NoAddress
                : null,
            endpoint.ProxyProtocol is null or "v1" or "v2" ? endpoint.ProxyProtocol : $"{endpoint.ProxyProtocol} (ignored)");

    /// <summary>
    /// The ports an ambassador dials that the container does not expose (<c>--port 8080:80</c> to a container that exposes
    /// nothing): listed too, so that every destination shows how it is reached.
    /// </summary>
    private static IEnumerable<ExposedPort> ReachedOnly(ContainerEndpoint endpoint, List<(string From, PortReach Reach)> reached) =>
        reached
            .Select(one => one.Reach.Port)
            .Distinct(StringComparer.Ordinal)
            .Where(port => !endpoint.Ports.Any(exposed => exposed.ToString() == port))
            .Select(port => port.Split('/') is [var number, var protocol] && int.TryParse(number, out var value)
                ? new ExposedPort(value, protocol == "udp" ? PortProtocol.Udp : PortProtocol.Tcp, [])
                : null)
            .OfType<ExposedPort>();

    private static PortStatus DescribePort(ContainerEndpoint endpoint, ExposedPort port, bool singleHost, List<(string From, PortReach Reach)> reached)
    {
        var published = port.Published.IsDefault ? [] : port.Published
            .Select(p => HostPort.Join(p.HostIp is "0.0.0.0" or "::" or "" ? endpoint.AdvertiseAddress ?? p.HostIp : p.HostIp, p.HostPort))
            .Distinct()
            .ToImmutableArray();
        var addresses = endpoint.HostNetwork
            ? ImmutableArray.Create($"host network:{port.ContainerPort}")
            : [.. endpoint.Addresses.Select(address => $"{HostPort.Join(address.Address, port.ContainerPort)} ({address.Network})")];
        // Other hosts reach a container through a port its host publishes, or its host's relay (see RouteBuilder).
        var reachable = (published.IsEmpty, singleHost) switch
        {
            (true, _) when addresses.Length == 0 => NoAddress,
            (_, true) => "this host",
            (true, false) when Ambassador.RouteBuilder.HasRelay(endpoint) => $"every host (the others through the relay of host {endpoint.HostId})",
            (true, false) when endpoint.RelayPort > 0 => $"{endpoint.HostId} only (not published, and host {endpoint.HostId} advertises no address other hosts can reach its relay at: run it with -p, or give that host --advertise)",
            (true, false) => $"{endpoint.HostId} only (not published, and host {endpoint.HostId} runs no relay: run it with -p, or give that host cluster TLS or --relay-insecure)",
            (false, false) => "every host",
        };
        var text = port.ToString();
        return new PortStatus(
            text,
            addresses,
            published,
            reachable,
            [.. reached.Where(one => one.Reach.Port == text).Select(one => new ReachStatus(one.From, one.Reach.ToString(), one.Reach.Unreachable))]);
    }
}
