using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;

namespace GrandAmbassador.Proxy.ProxyProtocol;

/// <summary>
/// Reads a client's PROXY protocol header off its socket, and not one byte more: what follows the header is the
/// client's own, left in the socket for the relay (and for splice), so nothing has to be carried over by hand.
/// </summary>
/// <remarks>
/// A v2 header says its length after 16 bytes, so it is read in two exact reads. A v1 line is not: after its first
/// 15 bytes (the shortest header) the reader peeks, and consumes up to the line's end, or all it peeked when the end
/// is not there yet (every byte before the CRLF is the header's). Only names with <c>--accept-proxy</c> come here.
/// </remarks>
internal static class ProxyHeaderReader
{
    /// <summary>Reads and parses the header.</summary>
    /// <exception cref="OperationCanceledException">The token (the caller's timeout) ended the wait.</exception>
    public static async ValueTask<(ProxyHeaderOutcome Outcome, ProxyHeader Header)> ReadAsync(Socket socket, int maxV2Length, CancellationToken cancellationToken)
    {
        var (status, header, started) = await ParseAsync(socket, maxV2Length, cancellationToken).ConfigureAwait(false);
        return status switch
        {
            ProxyParseStatus.Complete => (ProxyHeaderOutcome.Read, header),
            ProxyParseStatus.Incomplete => (ProxyHeaderOutcome.Ended, default),
            _ => (started ? ProxyHeaderOutcome.Malformed : ProxyHeaderOutcome.Missing, default),
        };
    }

    private static async ValueTask<(ProxyParseStatus Status, ProxyHeader Header, bool Started)> ParseAsync(Socket socket, int maxV2Length, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(maxV2Length, ProxyHeaderParser.MaxV1Length));
        try
        {
            var have = await ReadExactlyAsync(socket, buffer.AsMemory(0, ProxyHeaderParser.MinLength), cancellationToken).ConfigureAwait(false);
            if (have < ProxyHeaderParser.MinLength)
            {
                return (ProxyParseStatus.Incomplete, default, false);
            }

            var status = ProxyHeaderParser.Parse(buffer.AsSpan(0, have), out var header, maxV2Length);
            var started = ProxyHeaderParser.StartsLikeAHeader(buffer.AsSpan(0, have));
            if (status != ProxyParseStatus.Incomplete)
            {
                return (status, header, started);
            }

            if (buffer[0] == (byte)'P')
            {
                var (v1Status, v1Header) = await ReadV1RestAsync(socket, buffer, have, cancellationToken).ConfigureAwait(false);
                return (v1Status, v1Header, true);
            }

            // v2: the fixed part, which says how long the rest is; the parser checks the length against the cap.
            have += await ReadExactlyAsync(socket, buffer.AsMemory(have, ProxyHeaderParser.V2FixedLength - have), cancellationToken).ConfigureAwait(false);
            status = ProxyHeaderParser.Parse(buffer.AsSpan(0, have), out header, maxV2Length);
            if (status != ProxyParseStatus.Incomplete || have < ProxyHeaderParser.V2FixedLength)
            {
                return (status, header, true);
            }

            var length = ProxyHeaderParser.V2FixedLength + BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(14));
            have += await ReadExactlyAsync(socket, buffer.AsMemory(have, length - have), cancellationToken).ConfigureAwait(false);
            return (ProxyHeaderParser.Parse(buffer.AsSpan(0, have), out header, maxV2Length), header, true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async ValueTask<(ProxyParseStatus, ProxyHeader)> ReadV1RestAsync(Socket socket, byte[] buffer, int have, CancellationToken cancellationToken)
    {
        while (true)
        {
            var peeked = await socket.ReceiveAsync(buffer.AsMemory(have, ProxyHeaderParser.MaxV1Length - have), SocketFlags.Peek, cancellationToken).ConfigureAwait(false);
            if (peeked == 0)
            {
                return (ProxyParseStatus.Incomplete, default);
            }

            // The line ends at the first LF (the parser checks that a CR precedes it); everything before it is the header's.
            var lineFeed = buffer.AsSpan(have, peeked).IndexOf((byte)'\n');
            var take = lineFeed < 0 ? peeked : lineFeed + 1;
            have += await ReadExactlyAsync(socket, buffer.AsMemory(have, take), cancellationToken).ConfigureAwait(false);
            var status = ProxyHeaderParser.Parse(buffer.AsSpan(0, have), out var header);
            if (status != ProxyParseStatus.Incomplete)
            {
                return (status, header);
            }
        }
    }

    /// <summary>Reads until <paramref name="memory"/> is full or the client ends; returns the count read.</summary>
    private static async ValueTask<int> ReadExactlyAsync(Socket socket, Memory<byte> memory, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < memory.Length)
        {
            var read = await socket.ReceiveAsync(memory[total..], SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }
}
