using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.Proxy.ProxyProtocol;

/// <summary>
/// Reads a PROXY protocol header, v1 or v2, from the start of a client's bytes. Strict where the specification is
/// (a v1 line of at most 107 bytes ending in CRLF, single spaces, addresses of the family it names; a v2 version of
/// 2, a known command, an address block as long as its family needs), so that anything else is refused rather than
/// guessed at: a client that did not send a header must never have its first bytes taken for one.
/// </summary>
internal static class ProxyHeaderParser
{
    /// <summary>The longest v1 header, CRLF included (the specification's bound).</summary>
    public const int MaxV1Length = 107;

    /// <summary>The shortest header of either version: <c>PROXY UNKNOWN\r\n</c> is 15 bytes, a v2 header at least 16.</summary>
    public const int MinLength = 15;

    /// <summary>The v2 fixed part: signature, version and command, family, length.</summary>
    public const int V2FixedLength = 16;

    /// <summary>
    /// The longest v2 header taken by default: the addresses plus room for the TLVs load balancers add (AWS's VPC
    /// endpoint id, Azure's link id, HAProxy's TLS details). Longer ones are refused, so that a client cannot make
    /// the ambassador buffer 64 KiB before it has said who it is.
    /// </summary>
    public const int DefaultMaxV2Length = 4096;

    private static ReadOnlySpan<byte> V1Prefix => "PROXY "u8;

    /// <summary>Parses the header at the start of <paramref name="data"/>.</summary>
    /// <param name="maxV2Length">The longest v2 header accepted, fixed part included.</param>
    public static ProxyParseStatus Parse(ReadOnlySpan<byte> data, out ProxyHeader header, int maxV2Length = DefaultMaxV2Length)
    {
        header = default;
        if (data.IsEmpty)
        {
            return ProxyParseStatus.Incomplete;
        }

        var signature = ProxyHeaderWriter.V2Signature;
        var common = Math.Min(data.Length, signature.Length);
        if (data[..common].SequenceEqual(signature[..common]))
        {
            return ParseV2(data, maxV2Length, out header);
        }

        common = Math.Min(data.Length, V1Prefix.Length);
        return data[..common].SequenceEqual(V1Prefix[..common]) ? ParseV1(data, out header) : ProxyParseStatus.Invalid;
    }

    /// <summary>Whether the bytes begin as a v1 or v2 header would (a header that is then malformed, not a missing one).</summary>
    public static bool StartsLikeAHeader(ReadOnlySpan<byte> data) =>
        data.StartsWith(V1Prefix) || data.StartsWith(ProxyHeaderWriter.V2Signature);

    private static ProxyParseStatus ParseV1(ReadOnlySpan<byte> data, out ProxyHeader header)
    {
        header = default;
        var window = data[..Math.Min(data.Length, MaxV1Length)];
        var end = window.IndexOf("\r\n"u8);
        if (end < 0)
        {
            // A lone CR or LF, or a non-ASCII byte, is no part of a header, whatever follows.
            if (window.IndexOfAny((byte)'\n', (byte)'\0') >= 0 || window[..^1].Contains((byte)'\r') || window.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0)
            {
                return ProxyParseStatus.Invalid;
            }

            return data.Length >= MaxV1Length ? ProxyParseStatus.Invalid : ProxyParseStatus.Incomplete;
        }

        var line = window[V1Prefix.Length..end];
        if (line.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0 || line.Contains((byte)'\n') || line.Contains((byte)'\r'))
        {
            return ProxyParseStatus.Invalid;
        }

        var text = Encoding.ASCII.GetString(line);
        var length = end + 2;
        if (text == "UNKNOWN" || text.StartsWith("UNKNOWN ", StringComparison.Ordinal))
        {
            // The sender could not say (the specification lets it add anything after UNKNOWN): the socket's addresses stand.
            header = new ProxyHeader(ProxyProtocolVersion.V1, null, null, length);
            return ProxyParseStatus.Complete;
        }

        var parts = text.Split(' ');
        if (parts.Length != 5 || parts[0] is not ("TCP4" or "TCP6"))
        {
            return ProxyParseStatus.Invalid;
        }

        var family = parts[0] == "TCP4" ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
        if (!TryAddress(parts[1], family, out var sourceAddress) || !TryAddress(parts[2], family, out var destinationAddress)
            || !TryPort(parts[3], out var sourcePort) || !TryPort(parts[4], out var destinationPort))
        {
            return ProxyParseStatus.Invalid;
        }

        header = new ProxyHeader(ProxyProtocolVersion.V1, new IPEndPoint(sourceAddress, sourcePort), new IPEndPoint(destinationAddress, destinationPort), length);
        return ProxyParseStatus.Complete;
    }

    private static bool TryAddress(string text, AddressFamily family, out IPAddress address)
    {
        // IPAddress.TryParse takes forms the specification does not ("1", "0x7f.1", a scope id): a v4 address must be
        // four dotted decimals, a v6 one hex digits and colons (dots allowed for an embedded IPv4 tail).
        var allowed = family == AddressFamily.InterNetwork ? "0123456789." : "0123456789abcdefABCDEF:.";
        if (text.Length == 0 || text.Length > 45 || text.AsSpan().IndexOfAnyExcept(allowed) >= 0
            || (family == AddressFamily.InterNetwork && text.Count(c => c == '.') != 3)
            || !IPAddress.TryParse(text, out var parsed) || parsed.AddressFamily != family)
        {
            address = IPAddress.None;
            return false;
        }

        address = parsed;
        return true;
    }

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535 && text.Length <= 5 && (text.Length == 1 || text[0] != '0');

    private static ProxyParseStatus ParseV2(ReadOnlySpan<byte> data, int maxV2Length, out ProxyHeader header)
    {
        header = default;
        if (data.Length < V2FixedLength)
        {
            // The signature so far matched; check what else is already there.
            return data.Length > 12 && !KnownVersionAndCommand(data[12]) ? ProxyParseStatus.Invalid : ProxyParseStatus.Incomplete;
        }

        if (!KnownVersionAndCommand(data[12]))
        {
            return ProxyParseStatus.Invalid;
        }

        var blockLength = BinaryPrimitives.ReadUInt16BigEndian(data[14..]);
        var length = V2FixedLength + blockLength;
        if (length > maxV2Length)
        {
            return ProxyParseStatus.Invalid;
        }

        if (data.Length < length)
        {
            return ProxyParseStatus.Incomplete;
        }

        var local = (data[12] & 0x0F) == 0x0;
        var block = data.Slice(V2FixedLength, blockLength);
        var addressLength = (data[13] >> 4) switch
        {
            0x1 => 4,
            0x2 => 16,
            _ => 0, // AF_UNSPEC, AF_UNIX or unknown: nothing this proxy can use
        };
        var transport = data[13] & 0x0F;
        if (transport > 0x2 || (addressLength == 0 && (data[13] >> 4) > 0x3))
        {
            return ProxyParseStatus.Invalid;
        }

        if (local || addressLength == 0)
        {
            // LOCAL: the sender's own connection (a health check); the block, if any, is to be ignored.
            header = new ProxyHeader(ProxyProtocolVersion.V2, null, null, length);
            return ProxyParseStatus.Complete;
        }

        if (block.Length < (2 * addressLength) + 4)
        {
            return ProxyParseStatus.Invalid;
        }

        var source = new IPAddress(block[..addressLength]);
        var destination = new IPAddress(block.Slice(addressLength, addressLength));
        var sourcePort = BinaryPrimitives.ReadUInt16BigEndian(block[(2 * addressLength)..]);
        var destinationPort = BinaryPrimitives.ReadUInt16BigEndian(block[((2 * addressLength) + 2)..]);

        // Anything after the addresses is TLVs, which this proxy does not use.
        header = new ProxyHeader(ProxyProtocolVersion.V2, new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort), length);
        return ProxyParseStatus.Complete;
    }

    /// <summary>Version 2 with the LOCAL (0) or PROXY (1) command; anything else is refused, as the specification says.</summary>
    private static bool KnownVersionAndCommand(byte versionAndCommand) => versionAndCommand is 0x20 or 0x21;
}
