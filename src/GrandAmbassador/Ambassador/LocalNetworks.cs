using System.Net;
using GrandAmbassador.Docker.Common;

namespace GrandAmbassador.Ambassador;

/// <summary>
/// The subnets this process has an interface on. A container address inside one of them can be
/// reached directly (the host's docker0 or br-* bridge, or the ambassador container's own eth0).
/// </summary>
internal sealed class LocalNetworks
{
    private readonly IReadOnlyList<(IPAddress Network, int PrefixLength)> _subnets;

    private LocalNetworks(IReadOnlyList<(IPAddress, int)> subnets) => _subnets = subnets;

    /// <summary>Reads the interfaces now: Docker adds a bridge for every user-defined network.</summary>
    public static LocalNetworks Read() =>
        new(HostInterfaces.Read()
            .SelectMany(nic => nic.Addresses)
            .Where(unicast => !IPAddress.IsLoopback(unicast.Address))
            .ToList());

    public static LocalNetworks Of(params (IPAddress Address, int PrefixLength)[] subnets) => new(subnets);

    public bool Contains(IPAddress address) =>
        _subnets.Any(subnet => subnet.Network.AddressFamily == address.AddressFamily
            && new IPNetwork(Mask(subnet.Network, subnet.PrefixLength), subnet.PrefixLength).Contains(address));

    private static IPAddress Mask(IPAddress address, int prefixLength)
    {
        var bytes = address.GetAddressBytes();
        for (var bit = prefixLength; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        return new IPAddress(bytes);
    }
}
