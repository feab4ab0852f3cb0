using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GrandAmbassador.Proxy.Tests.Support;

/// <summary>
/// What a backend that speaks the PROXY protocol reads first: decoded here by hand, independently of the proxy's own
/// parser, so that a bug shared by the writer and the parser cannot pass.
/// </summary>
internal sealed record ReceivedProxyHeader(int Version, IPEndPoint? Source, IPEndPoint? Destination, bool Datagram)
{
    private static readonly byte[] Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    /// <summary>Reads one header, and nothing after it, off a backend's socket.</summary>
    public static async Task<ReceivedProxyHeader> ReadAsync(Socket socket)
    {
        var start = await socket.ReceiveExactlyAsync(12);
        if (start.AsSpan().SequenceEqual(Signature))
        {
            var fixedPart = await socket.ReceiveExactlyAsync(4);
            var block = await socket.ReceiveExactlyAsync(BinaryPrimitives.ReadUInt16BigEndian(fixedPart.AsSpan(2)));
            return DecodeV2([.. start, .. fixedPart, .. block]);
        }

        var line = new StringBuilder(Encoding.ASCII.GetString(start));
        while (!line.ToString().EndsWith("\r\n", StringComparison.Ordinal))
        {
            line.Append((char)(await socket.ReceiveExactlyAsync(1))[0]);
        }

        return DecodeV1(line.ToString());
    }

    /// <summary>Splits a datagram into its v2 header and its payload.</summary>
    public static (ReceivedProxyHeader Header, byte[] Payload) Split(byte[] datagram)
    {
        Assert.True(datagram.AsSpan(0, 12).SequenceEqual(Signature), "the datagram does not start with a PROXY v2 header");
        var length = 16 + BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(14));
        return (DecodeV2(datagram[..length]), datagram[length..]);
    }

    private static ReceivedProxyHeader DecodeV1(string line)
    {
        var parts = line.TrimEnd('\r', '\n').Split(' ');
        Assert.Equal("PROXY", parts[0]);
        Assert.Contains(parts[1], new[] { "TCP4", "TCP6" });
        return new ReceivedProxyHeader(1, new(IPAddress.Parse(parts[2]), int.Parse(parts[4])), new(IPAddress.Parse(parts[3]), int.Parse(parts[5])), Datagram: false);
    }

    private static ReceivedProxyHeader DecodeV2(byte[] header)
    {
        Assert.Equal(0x2, header[12] >> 4);
        if ((header[12] & 0xF) == 0)
        {
            return new ReceivedProxyHeader(2, null, null, Datagram: false);
        }

        var size = (header[13] >> 4) == 1 ? 4 : 16;
        var block = header.AsSpan(16);
        var source = new IPEndPoint(new IPAddress(block[..size]), BinaryPrimitives.ReadUInt16BigEndian(block[(2 * size)..]));
        var destination = new IPEndPoint(new IPAddress(block.Slice(size, size)), BinaryPrimitives.ReadUInt16BigEndian(block[((2 * size) + 2)..]));
        return new ReceivedProxyHeader(2, source, destination, Datagram: (header[13] & 0xF) == 2);
    }
}
