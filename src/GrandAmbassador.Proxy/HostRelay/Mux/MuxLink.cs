using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net.Sockets;

namespace GrandAmbassador.Proxy.HostRelay.Mux;

/// <summary>
/// One TLS connection between an ambassador and another host's relay, carrying many relayed connections as streams
/// (docs/architecture.md#the-host-relay): the TLS handshake, which costs milliseconds of CPU, is paid once per host
/// pair instead of once per client connection. Each frame is an 8-byte header (stream id, <see cref="MuxFrameType"/>,
/// a reserved byte, payload length, big-endian) and its payload. Per-stream windows keep one slow reader from holding
/// up the others or filling memory.
/// </summary>
/// <remarks>
/// Writes from every stream go into one pending buffer; a single flush loop writes what has gathered with one
/// <see cref="Stream.WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>, so that under load many frames share a
/// TLS record and a system call. One read loop parses frames and hands each to its stream without ever waiting on one.
/// </remarks>
internal sealed class MuxLink : IAsyncDisposable
{
    /// <summary>What a client sends after its TLS handshake to start a multiplexed link (a single connection sends "GAR1").</summary>
    public static ReadOnlySpan<byte> Magic => "GAM1"u8;

    public const int HeaderLength = 8;

    /// <summary>The most data one frame carries: one TLS record.</summary>
    public const int MaxData = 16 * 1024;

    /// <summary>The bytes a stream may have in flight in each direction before its reader has consumed them.</summary>
    public const int InitialWindow = 256 * 1024;

    // Room for several TLS records' worth of frames; the longest frame (header and 64 KiB - 1) always fits.
    private const int ReadBufferSize = 128 * 1024;

    private readonly ConcurrentDictionary<uint, MuxStream> _streams = new();
    private readonly Stream _transport;
    private readonly Action<MuxLink, MuxStream, ReadOnlyMemory<byte>>? _onOpen;
    private readonly object _writeGate = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ArrayBufferWriter<byte> _pending = new(64 * 1024);
    private ArrayBufferWriter<byte> _spare = new(64 * 1024);
    private bool _flushing;
    private bool _failed;
    private int _nextId = -1;
    private long _lastRead = Environment.TickCount64;

    /// <param name="transport">The TLS stream, after its handshake and the magic.</param>
    /// <param name="onOpen">The relay's handler of a new stream and its request; null on the ambassador's side, which only opens.</param>
    public MuxLink(Stream transport, Action<MuxLink, MuxStream, ReadOnlyMemory<byte>>? onOpen)
    {
        _transport = transport;
        _onOpen = onOpen;
    }

    /// <summary>Completes when the link has failed or been closed; every stream on it was reset.</summary>
    public Task Closed => _closed.Task;

    public bool IsClosed => Volatile.Read(ref _failed);

    /// <summary>When the link last read anything (<see cref="Environment.TickCount64"/>): a link silent since a stream's open is dead.</summary>
    public long LastRead => Volatile.Read(ref _lastRead);

    /// <summary>Streams open on the link now.</summary>
    public int Streams => _streams.Count;

    /// <summary>Starts reading frames; returns the read loop, which ends with the link.</summary>
    public Task RunAsync() => Task.Run(ReadLoopAsync);

    /// <summary>The ambassador's side: a new stream asking the relay for <paramref name="request"/>; await its <see cref="MuxStream.Reply"/>.</summary>
    public MuxStream Open(ReadOnlySpan<byte> request)
    {
        var id = (uint)Interlocked.Add(ref _nextId, 2);
        var stream = new MuxStream(this, id);
        _streams[id] = stream;
        Send(id, MuxFrameType.Open, request);
        return stream;
    }

    /// <summary>Queues one frame; never waits. A failed link throws as a reset socket would.</summary>
    internal void Send(uint id, MuxFrameType type, ReadOnlySpan<byte> payload)
    {
        bool flush;
        lock (_writeGate)
        {
            if (_failed)
            {
                throw new IOException("The relay link is closed.", new SocketException((int)SocketError.ConnectionReset));
            }

            var frame = _pending.GetSpan(HeaderLength + payload.Length);
            BinaryPrimitives.WriteUInt32BigEndian(frame, id);
            frame[4] = (byte)type;
            frame[5] = 0;
            BinaryPrimitives.WriteUInt16BigEndian(frame[6..], (ushort)payload.Length);
            payload.CopyTo(frame[HeaderLength..]);
            _pending.Advance(HeaderLength + payload.Length);
            flush = !_flushing;
            _flushing = true;
        }

        if (flush)
        {
            _ = FlushAsync();
        }
    }

    /// <summary>A control frame that may find the link gone (a stream's reset or window): nothing to do then.</summary>
    internal void TrySend(uint id, MuxFrameType type, ReadOnlySpan<byte> payload)
    {
        try
        {
            Send(id, type, payload);
        }
        catch (IOException)
        {
            // The link failed: every stream on it was reset already.
        }
    }

    internal void Forget(uint id) => _streams.TryRemove(id, out _);

    public async ValueTask DisposeAsync()
    {
        Fail();
        await _transport.DisposeAsync().ConfigureAwait(false);
    }

    private async Task FlushAsync()
    {
        while (true)
        {
            ArrayBufferWriter<byte> batch;
            lock (_writeGate)
            {
                if (_pending.WrittenCount == 0 || _failed)
                {
                    _flushing = false;
                    return;
                }

                batch = _pending;
                _pending = _spare;
                _spare = batch;
            }

            try
            {
                await _transport.WriteAsync(batch.WrittenMemory).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Any failure to write ends the link: a flush loop that died quietly would leave every stream waiting.
                Fail();
                return;
            }

            batch.ResetWrittenCount();
        }
    }

    /// <summary>
    /// Reads what the TLS stream has into one buffer and hands every whole frame in it on, then reads again: one read per
    /// TLS record rather than two per frame.
    /// </summary>
    private async Task ReadLoopAsync()
    {
        var buffer = new byte[ReadBufferSize];
        var start = 0;
        var end = 0;
        try
        {
            while (true)
            {
                // Every whole frame already read.
                while (end - start >= HeaderLength)
                {
                    var length = BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(start + 6));
                    if (end - start < HeaderLength + length)
                    {
                        break;
                    }

                    var id = BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(start));
                    var type = (MuxFrameType)buffer[start + 4];
                    Dispatch(id, type, buffer.AsSpan(start + HeaderLength, length));
                    start += HeaderLength + length;
                }

                // Keep the part of a frame read so far at the front: a frame is never longer than the buffer.
                if (start > 0)
                {
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    end -= start;
                    start = 0;
                }

                var read = await _transport.ReadAsync(buffer.AsMemory(end)).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                end += read;
                Volatile.Write(ref _lastRead, Environment.TickCount64);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // The link ended: every stream is reset below, as a lost TCP connection would be.
        }
        finally
        {
            // Whatever ended the loop: a link that reads no more must not look alive to those who would open streams on it.
            Fail();
        }
    }

    /// <summary>Hands one frame to its stream; data is copied out of <paramref name="payload"/>, which the read loop reuses.</summary>
    private void Dispatch(uint id, MuxFrameType type, ReadOnlySpan<byte> payload)
    {
        if (type == MuxFrameType.Open && _onOpen is not null)
        {
            var stream = new MuxStream(this, id);
            _streams[id] = stream;
            _onOpen(this, stream, payload.ToArray());
            return;
        }

        if (!_streams.TryGetValue(id, out var target))
        {
            // A stream reset here while the peer was still sending: its frames are dropped, as a closed socket's would be.
            return;
        }

        switch (type)
        {
            case MuxFrameType.Data:
                var data = ArrayPool<byte>.Shared.Rent(Math.Max(payload.Length, 1));
                payload.CopyTo(data);
                target.OnData(data, payload.Length);
                break;
            case MuxFrameType.Reply:
                target.OnReply(payload);
                break;
            case MuxFrameType.Fin:
                target.OnFin();
                break;
            case MuxFrameType.Reset:
                target.OnReset();
                break;
            case MuxFrameType.Window when payload.Length == 4:
                target.OnWindow((int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(payload), int.MaxValue));
                break;
        }
    }

    private void Fail()
    {
        lock (_writeGate)
        {
            if (_failed)
            {
                return;
            }

            _failed = true;
        }

        foreach (var stream in _streams.Values)
        {
            stream.OnLinkFailed();
        }

        _streams.Clear();
        _closed.TrySetResult();
        _ = _transport.DisposeAsync().AsTask();
    }
}
