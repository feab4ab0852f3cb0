using System.Net;
using System.Net.Sockets;
using GrandAmbassador.Docker.Inspection;

namespace GrandAmbassador.Docker.Common;

/// <summary>Picks the address other hosts use to reach this one when none is configured.</summary>
internal static class AdvertiseAddressResolver
{
    // Docker's own bridges carry addresses only this host can reach.
    private static readonly string[] BridgePrefixes = ["docker", "br-", "veth"];

    /// <summary>
    /// This host's identity: the given address; else the address <see cref="Choose"/> picks; else loopback (what a
    /// single host needs; a cluster refuses it at start-up).
    /// </summary>
    public static HostIdentity Identify(string hostId, string? advertise, IReadOnlyList<HostInterface>? interfaces = null)
    {
        if (advertise is not null)
        {
            return new(hostId, advertise);
        }

        var (address, how) = Choose(interfaces) ?? ("127.0.0.1", "loopback: no other address found");
        return new(hostId, address, AdvertiseGiven: false, how);
    }

    /// <summary>
    /// The first IPv4 address of an interface that is up, not loopback and not a Docker bridge; on a host with
    /// none (IPv6 only), its first global IPv6 address (link-local ones need a scope other hosts cannot use). With
    /// how it was chosen, for the start-up log. Null if none.
    /// </summary>
    public static (string Address, string How)? Choose(IReadOnlyList<HostInterface>? interfaces = null)
    {
        var candidates = (interfaces ?? HostInterfaces.Read())
            .Where(nic => nic.IsUp && !nic.IsLoopback && !BridgePrefixes.Any(prefix => nic.Name.StartsWith(prefix, StringComparison.Ordinal)))
            .SelectMany(nic => nic.Addresses.Select(unicast => (Nic: nic.Name, unicast.Address)))
            .Where(candidate => !IPAddress.IsLoopback(candidate.Address))
            .ToList();
        foreach (var (nic, address) in candidates)
        {
            if (address.AddressFamily == AddressFamily.InterNetwork)
            {
                return (address.ToString(), $"IPv4: the first IPv4 address of {nic}");
            }
        }

        foreach (var (nic, address) in candidates)
        {
            if (address.AddressFamily == AddressFamily.InterNetworkV6 && !address.IsIPv6LinkLocal && !address.IsIPv4MappedToIPv6)
            {
                return (address.ToString(), $"IPv6: no IPv4 address, the first global IPv6 address of {nic}");
            }
        }

        return null;
    }
}
