using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace GrandAmbassador.Docker.Hosting;

/// <summary>Picks the address other hosts use to reach this one when none is configured.</summary>
internal static class AdvertiseAddressResolver
{
    // Docker's own bridges carry addresses only this host can reach.
    private static readonly string[] BridgePrefixes = ["docker", "br-", "veth"];

    /// <summary>The first IPv4 address of an interface that is up, not loopback and not a Docker bridge; null if none.</summary>
    public static string? Resolve()
    {
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.OperationalStatus != OperationalStatus.Up
                || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback
                || BridgePrefixes.Any(prefix => nic.Name.StartsWith(prefix, StringComparison.Ordinal)))
            {
                continue;
            }

            foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
            {
                if (unicast.Address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(unicast.Address))
                {
                    return unicast.Address.ToString();
                }
            }
        }

        return null;
    }
}
