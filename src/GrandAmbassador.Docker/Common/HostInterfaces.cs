using System.Net;
using System.Net.NetworkInformation;

namespace GrandAmbassador.Docker.Common;

/// <summary>One network interface of this host as the process sees it now.</summary>
internal sealed record HostInterface(string Name, bool IsUp, bool IsLoopback, IReadOnlyList<(IPAddress Address, int PrefixLength)> Addresses);

/// <summary>
/// The one place that enumerates this host's interfaces: for the address to advertise
/// (<see cref="AdvertiseAddressResolver"/>) and for the networks a follower reaches directly.
/// </summary>
internal static class HostInterfaces
{
    public static IReadOnlyList<HostInterface> Read() =>
        [.. NetworkInterface.GetAllNetworkInterfaces().Select(nic => new HostInterface(
            nic.Name,
            nic.OperationalStatus == OperationalStatus.Up,
            nic.NetworkInterfaceType == NetworkInterfaceType.Loopback,
            // Down interfaces still list their addresses; Linux reports "Unknown" for some that carry traffic.
            nic.OperationalStatus == OperationalStatus.Down
                ? []
                : [.. nic.GetIPProperties().UnicastAddresses.Select(unicast => (unicast.Address, unicast.PrefixLength))]))];
}
