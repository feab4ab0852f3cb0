using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace GrandAmbassador.Proxy.Tests.Support;

/// <summary>
/// Bulk data for relay tests: a sender of a given length whose every chunk differs (so that a lost, repeated or
/// reordered chunk changes the hash), and a receiver that reads to the end and hashes what arrived.
/// </summary>
internal static class BulkStream
{
    // Not a power of two, so that chunk edges fall anywhere in the relay's buffers and pipes.
    private const int ChunkSize = (1024 * 1024) + 7;

    /// <summary>
    /// Sends <paramref name="length"/> bytes and returns their SHA-256; FIN afterwards if <paramref name="finish"/>.
    /// <paramref name="sent"/>, if given, holds the bytes the socket has taken so far.
    /// </summary>
    public static async Task<byte[]> SendAsync(Socket socket, long length, int seed, bool finish = true, StrongBox<long>? sent = null)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var chunk = new byte[ChunkSize];
        new Random(seed).NextBytes(chunk);
        long total = 0;
        for (long index = 0; total < length; index++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(chunk, index);
            var count = (int)Math.Min(chunk.Length, length - total);
            hash.AppendData(chunk, 0, count);

            // No hang limit here: a receiver that stops reading stalls this send on purpose.
            await socket.SendAsync(chunk.AsMemory(0, count));
            total += count;
            if (sent is not null)
            {
                Volatile.Write(ref sent.Value, total);
            }
        }

        if (finish)
        {
            socket.Shutdown(SocketShutdown.Send);
        }

        return hash.GetHashAndReset();
    }

    /// <summary>Reads until end of stream; the byte count and SHA-256 of what arrived. A reset throws.</summary>
    public static async Task<(long Length, byte[] Hash)> ReceiveToEndAsync(Socket socket)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[256 * 1024];
        long total = 0;
        int read;
        while ((read = await socket.ReceiveAsync(buffer.AsMemory()).AsTask().WaitAsync(TestTimeouts.Hang)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            total += read;
        }

        return (total, hash.GetHashAndReset());
    }

    /// <summary>Reads until at least <paramref name="count"/> bytes have arrived, discarding them.</summary>
    public static async Task<long> ReceiveAtLeastAsync(Socket socket, long count)
    {
        var buffer = new byte[256 * 1024];
        long total = 0;
        while (total < count)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory()).AsTask().WaitAsync(TestTimeouts.Hang);
            if (read == 0)
            {
                throw new EndOfStreamException($"EOF after {total} of {count} bytes.");
            }

            total += read;
        }

        return total;
    }
}
