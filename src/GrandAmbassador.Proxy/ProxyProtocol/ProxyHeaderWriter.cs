using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.Proxy.ProxyProtocol;

/// <summary>
/// Builds the header a backend is sent ahead of a client's bytes (haproxy.org/download/3.0/doc/proxy-protocol.txt).
/// Called once per connection or UDP session of a name that asks for it, never for other names.
/// </summary>
internal static class ProxyHeaderWriter
{
    /// <summary>The v2 signature, the first 12 bytes of every v2 header.</summary>
    public static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    /// <summary>A header saying that <paramref name="source"/> connected to <paramref name="destination"/>.</summary>
    /// <param name="datagram">UDP (v2 only: v1 has no way to say it).</param>
    public static byte[] Create(ProxyProtocolVersion version, IPEndPoint source, IPEndPoint destination, bool datagram = false)
    {
        (source, destination) = SameFamily(source, destination);
        return version switch
        {
            ProxyProtocolVersion.V1 when datagram => throw new ArgumentException("PROXY protocol v1 has no UDP form.", nameof(datagram)),
            ProxyProtocolVersion.V1 => CreateV1(source, destination),
            ProxyProtocolVersion.V2 => CreateV2(source, destination, datagram),
            _ => throw new ArgumentOutOfRangeException(nameof(version), version, "No header for this version."),
        };
    }

    /// <summary>A v2 LOCAL header: the connection is the sender's own (a health check), with no client to name.</summary>
    public static byte[] CreateV2Local()
    {
        var header = new byte[16];
        V2Signature.CopyTo(header);
        header[12] = 0x20;
        return header;
    }

    /// <summary>
    /// Both ends in one family, as both formats need: an IPv4-mapped pair (a dual-stack listener's view of an IPv4
    /// client) becomes plain IPv4, which is what the client used; a true mix becomes IPv6.
    /// </summary>
    private static (IPEndPoint Source, IPEndPoint Destination) SameFamily(IPEndPoint source, IPEndPoint destination)
    {
        var sourceAddress = source.Address.IsIPv4MappedToIPv6 ? source.Address.MapToIPv4() : source.Address;
        var destinationAddress = destination.Address.IsIPv4MappedToIPv6 ? destination.Address.MapToIPv4() : destination.Address;
        if (sourceAddress.AddressFamily != destinationAddress.AddressFamily)
        {
            sourceAddress = sourceAddress.MapToIPv6();
            destinationAddress = destinationAddress.MapToIPv6();
        }

        return (new IPEndPoint(WithoutScope(sourceAddress), source.Port), new IPEndPoint(WithoutScope(destinationAddress), destination.Port));
    }

    // A link-local IPv6 address prints with its zone ("fe80::1%2"), which neither format has room for.
    private static IPAddress WithoutScope(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0 ? new IPAddress(address.GetAddressBytes()) : address;

    private static byte[] CreateV1(IPEndPoint source, IPEndPoint destination)
    {
        var family = source.AddressFamily == AddressFamily.InterNetworkV6 ? "TCP6" : "TCP4";
        return Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"PROXY {family} {source.Address} {destination.Address} {source.Port} {destination.Port}\r\n"));
    }

    private static byte[] CreateV2(IPEndPoint source, IPEndPoint destination, bool datagram)
    {
        var ipv6 = source.AddressFamily == AddressFamily.InterNetworkV6;
        var addressLength = ipv6 ? 16 : 4;
        var blockLength = (2 * addressLength) + 4;
        var header = new byte[16 + blockLength];
        V2Signature.CopyTo(header);
        header[12] = 0x21; // version 2, PROXY command
        header[13] = (byte)((ipv6 ? 0x20 : 0x10) | (datagram ? 0x02 : 0x01));
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), (ushort)blockLength);
        var block = header.AsSpan(16);
        source.Address.TryWriteBytes(block, out _);
        destination.Address.TryWriteBytes(block[addressLength..], out _);
        BinaryPrimitives.WriteUInt16BigEndian(block[(2 * addressLength)..], (ushort)source.Port);
        BinaryPrimitives.WriteUInt16BigEndian(block[((2 * addressLength) + 2)..], (ushort)destination.Port);
        return header;
    }
}
