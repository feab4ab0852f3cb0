using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace GrandAmbassador.Proxy.HostRelay;

/// <summary>
/// The relay protocol's framing, in one place for both ends (docs/architecture.md#the-host-relay):
/// <list type="bullet">
/// <item>request: <c>GAR1</c>, a big-endian 16-bit length, that many bytes of UTF-8 JSON (<see cref="RelayRequest"/>);</item>
/// <item>reply: one byte (<see cref="RelayVerdict"/>), a big-endian 16-bit length, that many bytes of UTF-8 reason (none for go).</item>
/// </list>
/// After a go the connection carries the fronted bytes as they are (TCP), or datagrams each behind a big-endian 16-bit length (UDP),
/// both ways, one UDP session per connection (<see cref="DatagramFrameWriter"/>, <see cref="DatagramFrameReader"/>).
/// </summary>
internal static class RelayWire
{
    /// <summary>The longest request body accepted: names and ids are short; anything longer is not ours.</summary>
    public const int MaxRequestBody = 4096;

    /// <summary>
    /// The longest datagram a frame carries: what its 16-bit length can say. Every UDP payload fits (65,507 bytes over
    /// IPv4, 65,527 over IPv6), and so does the largest IPv4 one behind a PROXY v2 header (28 bytes).
    /// </summary>
    public const int MaxDatagram = ushort.MaxValue;

    /// <summary>The bytes in front of each datagram: its length.</summary>
    public const int DatagramHeaderLength = 2;

    private const int HeaderLength = 6;

    public static ReadOnlySpan<byte> Magic => "GAR1"u8;

    /// <summary>The request's JSON: what a single connection sends behind <see cref="Magic"/>, and a multiplexed stream's open frame carries.</summary>
    public static byte[] RequestBody(RelayRequest request)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, RelayJsonContext.Default.RelayRequest);
        return body.Length <= MaxRequestBody ? body : throw new ArgumentException($"A relay request is at most {MaxRequestBody} bytes.", nameof(request));
    }

    public static byte[] EncodeRequest(RelayRequest request)
    {
        var body = RequestBody(request);
        var frame = new byte[HeaderLength + body.Length];
        Magic.CopyTo(frame);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(4), (ushort)body.Length);
        body.CopyTo(frame, HeaderLength);
        return frame;
    }

    /// <summary>Reads the 4 bytes that say what a connection is: <see cref="Magic"/> (one relayed connection) or a multiplexed link's; null at end-of-stream.</summary>
    public static async ValueTask<byte[]?> ReadMagicAsync(Stream stream, CancellationToken cancellationToken)
    {
        var magic = new byte[4];
        return await ReadExactlyOrEndAsync(stream, magic, cancellationToken).ConfigureAwait(false) ? magic : null;
    }

    /// <summary>Reads one request after its <see cref="Magic"/>; a stream that is not the relay protocol gets a reason instead.</summary>
    public static async ValueTask<(RelayRequest? Request, string? Problem)> ReadRequestAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[2];
        if (!await ReadExactlyOrEndAsync(stream, header, cancellationToken).ConfigureAwait(false))
        {
            return (null, "the connection ended before a relay request");
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(header);
        if (length is 0 or > MaxRequestBody)
        {
            return (null, $"its request is {length} bytes long (1 to {MaxRequestBody} allowed)");
        }

        var body = new byte[length];
        return await ReadExactlyOrEndAsync(stream, body, cancellationToken).ConfigureAwait(false)
            ? ParseRequest(body)
            : (null, "the connection ended inside a relay request");
    }

    /// <summary>Reads a request's JSON; a body that is not one gets a reason instead.</summary>
    public static (RelayRequest? Request, string? Problem) ParseRequest(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty || body.Length > MaxRequestBody)
        {
            return (null, $"its request is {body.Length} bytes long (1 to {MaxRequestBody} allowed)");
        }

        try
        {
            var request = JsonSerializer.Deserialize(body, RelayJsonContext.Default.RelayRequest);
            return request is { Name.Length: > 0, Container.Length: > 0, Port: >= 1 and <= 65_535, Protocol: "tcp" or "udp" }
                ? (request, null)
                : (null, "its request lacks a name, a container, a port from 1 to 65535 or a protocol (tcp or udp)");
        }
        catch (JsonException)
        {
            return (null, "its request is not valid JSON");
        }
    }

    public static byte[] EncodeReply(RelayReply reply)
    {
        var reason = Encoding.UTF8.GetBytes(reply.Reason);
        var length = Math.Min(reason.Length, ushort.MaxValue);
        var frame = new byte[3 + length];
        frame[0] = (byte)reply.Verdict;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(1), (ushort)length);
        reason.AsSpan(0, length).CopyTo(frame.AsSpan(3));
        return frame;
    }

    /// <summary>Reads the reply; a connection that ends first is a refusal saying so.</summary>
    public static async ValueTask<RelayReply> ReadReplyAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[3];
        if (!await ReadExactlyOrEndAsync(stream, header, cancellationToken).ConfigureAwait(false))
        {
            return new RelayReply(RelayVerdict.BadRequest, "the relay closed the connection without a reply");
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(1));
        var reason = new byte[length];
        if (length > 0 && !await ReadExactlyOrEndAsync(stream, reason, cancellationToken).ConfigureAwait(false))
        {
            return new RelayReply(RelayVerdict.BadRequest, "the relay closed the connection inside its reply");
        }

        return new RelayReply((RelayVerdict)header[0], Encoding.UTF8.GetString(reason));
    }

    private static async ValueTask<bool> ReadExactlyOrEndAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        return read == buffer.Length;
    }
}
