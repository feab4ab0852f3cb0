using System.Net;
using System.Net.Sockets;

namespace GrandAmbassador.Proxy.Access;

/// <summary>Client networks as users write them, in options and container labels alike.</summary>
internal static class NetworkText
{
    /// <summary>
    /// A CIDR (<c>10.0.0.0/8</c>, <c>fd00::/64</c>) or one address (a /32 or /128, brackets allowed for IPv6). A base
    /// address with bits set past its prefix (<c>10.1.2.3/8</c>) is refused: IPNetwork would widen it silently, and
    /// it is more likely a typo for a narrower network than a wish for the wider one.
    /// </summary>
    public static bool TryParse(string text, out IPNetwork network)
    {
        var trimmed = text.Trim();
        var slash = trimmed.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            var bare = trimmed.StartsWith('[') && trimmed.EndsWith(']') ? trimmed[1..^1] : trimmed;
            if (IPAddress.TryParse(bare, out var address) && (address.AddressFamily == AddressFamily.InterNetworkV6 || bare.Count(c => c == '.') == 3))
            {
                network = new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
                return true;
            }

            network = default;
            return false;
        }

        return IPNetwork.TryParse(trimmed, out network)
            && IPAddress.TryParse(trimmed[..slash], out var written)
            && written.Equals(network.BaseAddress);
    }
}
