using System.Buffers;
using System.Buffers.Binary;

namespace GrandAmbassador.Proxy.HostRelay;

/// <summary>
/// The receiving half of a UDP session carried over a relay link: reads as much of the link as has arrived, and hands
/// each whole frame's datagram (<see cref="RelayWire"/>) on in order. An idle link holds no buffer: it waits with a
/// zero-byte read (which a socket's stream and an SslStream both support), as the direct path's peek does.
/// </summary>
internal static class DatagramFrameReader
{
    private const int MaxFrame = RelayWire.DatagramHeaderLength + RelayWire.MaxDatagram;

    // Two largest frames: a frame cut by the end of one read is moved to the front at most once per frame's worth read.
    private const int BufferSize = 2 * MaxFrame;

    /// <summary>Delivers every datagram of <paramref name="stream"/> until it ends; a frame cut short by the end is lost with it.</summary>
    /// <param name="deliver">Given each datagram, which is valid only until the task it returns completes.</param>
    /// <returns>Completes at end of stream; faults with what the stream or <paramref name="deliver"/> threw.</returns>
    public static async Task ReadAsync(Stream stream, Func<ReadOnlyMemory<byte>, ValueTask> deliver)
    {
        byte[]? buffer = null;
        var start = 0;
        var end = 0;
        try
        {
            while (true)
            {
                if (start == end)
                {
                    if (buffer is not null)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = null;
                    }

                    start = end = 0;
                    await stream.ReadAsync(Memory<byte>.Empty).ConfigureAwait(false);
                    buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
                }
                else if (buffer!.Length - start < MaxFrame)
                {
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    end -= start;
                    start = 0;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(end)).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                end += read;
                while (end - start >= RelayWire.DatagramHeaderLength)
                {
                    var length = BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(start));
                    var frame = RelayWire.DatagramHeaderLength + length;
                    if (end - start < frame)
                    {
                        break;
                    }

                    await deliver(buffer.AsMemory(start + RelayWire.DatagramHeaderLength, length)).ConfigureAwait(false);
                    start += frame;
                }
            }
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
