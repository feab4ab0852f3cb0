using System.Net;
using System.Net.Sockets;

namespace GrandAmbassador.Docker.Hosting;

/// <summary>Picks the address other hosts use to reach this one when none is configured.</summary>
internal static class AdvertiseAddressResolver
{
    // Docker's own bridges carry addresses only this host can reach.
    private static readonly string[] BridgePrefixes = ["docker", "br-", "veth"];

    /// <summary>The first IPv4 address of an interface that is up, not loopback and not a Docker bridge; null if none.</summary>
    public static string? Resolve(IReadOnlyList<HostInterface>? interfaces = null) =>
        (interfaces ?? HostInterfaces.Read())
            .Where(nic => nic.IsUp && !nic.IsLoopback && !BridgePrefixes.Any(prefix => nic.Name.StartsWith(prefix, StringComparison.Ordinal)))
            .SelectMany(nic => nic.Addresses)
            .Select(unicast => unicast.Address)
            .FirstOrDefault(address => address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(address))
            ?.ToString();
}
