using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;

namespace GrandAmbassador.Proxy.HostRelay;

/// <summary>
/// The sending half of a UDP session carried over a relay link: each datagram is framed (<see cref="RelayWire"/>) into a
/// pending batch, and one write loop at a time writes the batches to the link's stream. A sender never waits for the
/// network: the port's receive loop, which serves every client of the port, hands a datagram over and goes on, as a
/// send on a connected UDP socket would. When the link falls behind by more than <see cref="MaxPendingBytes"/>, the
/// datagram is dropped, as a full socket send buffer drops it.
/// </summary>
internal sealed class DatagramFrameWriter
{
    /// <summary>
    /// The framed bytes waiting for the link beside the batch being written. A burst this size rides out a slow write;
    /// beyond it, a link that cannot keep up would only turn the datagrams' loss into their delay. A datagram larger
    /// than this still goes when nothing waits.
    /// </summary>
    public const int MaxPendingBytes = 128 * 1024;

    // Most sessions carry small datagrams: a batch starts small and grows only when a burst needs it.
    private const int FirstBatchSize = 16 * 1024;

    private readonly Stream _stream;
    private readonly Action _onFailed;
    private readonly object _gate = new();
    private byte[]? _pending;
    private int _pendingLength;
    private bool _writing;
    private bool _closed;

    /// <param name="stream">The link: a stream of a multiplexed TLS link, or a <see cref="NetworkStream"/> over a plaintext connection. Only this writes to it.</param>
    /// <param name="onFailed">Told once when a write fails; the link is then of no use either way.</param>
    public DatagramFrameWriter(Stream stream, Action onFailed)
    {
        _stream = stream;
        _onFailed = onFailed;
    }

    /// <summary>Queues one datagram: <paramref name="header"/> (a PROXY v2 header, or empty) then <paramref name="datagram"/>, in one frame.</summary>
    /// <returns>False when it was dropped: too long for a frame, the link behind, or closed.</returns>
    public bool TryWrite(ReadOnlySpan<byte> header, ReadOnlySpan<byte> datagram)
    {
        var length = header.Length + datagram.Length;
        if (length > RelayWire.MaxDatagram)
        {
            return false;
        }

        var frame = RelayWire.DatagramHeaderLength + length;
        lock (_gate)
        {
            if (_closed || (_pendingLength > 0 && _pendingLength + frame > MaxPendingBytes))
            {
                return false;
            }

            var span = Room(frame);
            BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)length);
            header.CopyTo(span[RelayWire.DatagramHeaderLength..]);
            datagram.CopyTo(span[(RelayWire.DatagramHeaderLength + header.Length)..]);
            _pendingLength += frame;
            if (_writing)
            {
                return true;
            }

            _writing = true;
        }

        // Started inline: while the link keeps up, a datagram is written before the caller moves on, with no thread hop.
        _ = WriteLoopAsync();
        return true;
    }

    /// <summary>Drops whatever waits and takes no more; the batch being written, if any, is still written.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            if (!_writing)
            {
                ReturnPending();
            }
        }
    }

    /// <summary>Called under the gate: <paramref name="frame"/> bytes at the end of the pending batch, which grows to hold them.</summary>
    private Span<byte> Room(int frame)
    {
        var needed = _pendingLength + frame;
        if (_pending is null || _pending.Length < needed)
        {
            var grown = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(FirstBatchSize, (_pending?.Length ?? 0) * 2)));
            if (_pending is not null)
            {
                _pending.AsSpan(0, _pendingLength).CopyTo(grown);
                ArrayPool<byte>.Shared.Return(_pending);
            }

            _pending = grown;
        }

        return _pending.AsSpan(_pendingLength, frame);
    }

    /// <summary>Called under the gate.</summary>
    private void ReturnPending()
    {
        if (_pending is { } pending)
        {
            _pending = null;
            _pendingLength = 0;
            ArrayPool<byte>.Shared.Return(pending);
        }
    }

    private async Task WriteLoopAsync()
    {
        while (true)
        {
            byte[] batch;
            int length;
            lock (_gate)
            {
                if (_closed || _pendingLength == 0)
                {
                    ReturnPending();
                    _writing = false;
                    return;
                }

                // The batch leaves the gate: datagrams queued while it is written start the next one.
                batch = _pending!;
                length = _pendingLength;
                _pending = null;
                _pendingLength = 0;
            }

            try
            {
                await _stream.WriteAsync(batch.AsMemory(0, length)).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The link reset, or was closed under us (a disposed SslStream throws more kinds than IOException): either
                // way it carries nothing more, and the one who is told ends the session, whose reader sees the end too.
                lock (_gate)
                {
                    _closed = true;
                    ReturnPending();
                    _writing = false;
                }

                _onFailed();
                return;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(batch);
            }
        }
    }
}
