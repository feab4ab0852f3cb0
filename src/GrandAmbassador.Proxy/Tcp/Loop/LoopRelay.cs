using System.Net.Sockets;
using GrandAmbassador.Proxy.EventLoops;
using GrandAmbassador.Proxy.Tcp.Splice;

namespace GrandAmbassador.Proxy.Tcp.Loop;

/// <summary>
/// Relays one TCP connection on an <see cref="EventLoop"/>'s thread: both sockets in its edge-triggered epoll set, and on
/// readiness a receive straight into the loop's buffer and a send out of it; two system calls per message and no
/// zero-byte receive. A short read means the source is drained (the next byte makes a new edge); a send the destination
/// does not take whole keeps only its remainder, and the direction stops reading until the destination is writable
/// again. A direction whose read fills the buffer moves to splice(2) through a pipe of its own, as the sockets path does.
/// How a direction ends follows <see cref="CopyEnding"/>: a FIN passed on, or a reset of both sockets on any failure.
/// </summary>
/// <remarks>
/// The sockets stay the <see cref="TcpConnection"/>'s: it closes them once both directions have completed. Until then
/// the relay holds a reference on each handle, so that a concurrent dispose cannot free a descriptor the loop uses.
/// Other threads reach the relay only through <see cref="Start"/> and <see cref="Abort"/>, which post to the loop, and
/// shutdown(2) on the sockets (<see cref="TcpConnection.Close"/>), which the loop then reads as an end of stream.
/// </remarks>
internal sealed unsafe class LoopRelay
{
    private const uint Readable = LoopNative.EpollIn | LoopNative.EpollRdHup | LoopNative.EpollHup | LoopNative.EpollErr;
    private const uint Writable = LoopNative.EpollOut | LoopNative.EpollHup | LoopNative.EpollErr;
    private const uint PeerClosing = LoopNative.EpollRdHup | LoopNative.EpollHup | LoopNative.EpollErr;
    private readonly EventLoop _loop;
    private static readonly LingerOption Abortive = new(enable: true, seconds: 0);
    private readonly Socket _clientSocket;
    private readonly Socket _backendSocket;
    private readonly Action<IDirectionCopier> _onCompleted;

    // Taken on the loop's thread when the relay registers, released when it finishes: until then a dispose elsewhere
    // cannot close the descriptors (it would spin until released), so their numbers cannot be reused under the loop.
    private HeldDescriptor? _client;
    private HeldDescriptor? _backend;
    private int _started;
    private bool _finished;

    private LoopRelay(EventLoop loop, Socket client, Socket backend, int splicePipeSize, Action<IDirectionCopier> onCompleted)
    {
        _loop = loop;
        _clientSocket = client;
        _backendSocket = backend;
        _onCompleted = onCompleted;
        Upstream = new LoopDirection(this, splicePipeSize);
        Downstream = new LoopDirection(this, splicePipeSize);
        Upstream.Opposite = Downstream;
        Downstream.Opposite = Upstream;
    }

    /// <summary>Client to backend.</summary>
    public LoopDirection Upstream { get; }

    /// <summary>Backend to client.</summary>
    public LoopDirection Downstream { get; }

    /// <summary>
    /// A relay between <paramref name="client"/> and <paramref name="backend"/> on <paramref name="loop"/>, not yet started:
    /// it touches neither socket until it registers them on the loop's thread. A socket disposed by then (the connection
    /// was aborted meanwhile) makes its start complete both directions as aborted.
    /// </summary>
    public static LoopRelay Create(EventLoop loop, Socket client, Socket backend, int splicePipeSize, Action<IDirectionCopier> onCompleted) =>
        new(loop, client, backend, splicePipeSize, onCompleted);

    /// <summary>Registers both sockets with the loop, at once when called on its thread, else posted there; once only.</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            if (_loop.IsCurrent)
            {
                Register();
            }
            else
            {
                _loop.Post(Register);
            }
        }
    }

    /// <summary>Resets both sockets and ends both directions as aborted; from any thread, before or after <see cref="Start"/>.</summary>
    public void Abort() => _loop.Post(() =>
    {
        if (!_finished)
        {
            Fail(null, default, 0);
        }
    });

    /// <summary>An event on a direction's source descriptor: readable for that direction, writable for the opposite one.</summary>
    public void OnEvents(LoopDirection direction, uint events)
    {
        if (_finished)
        {
            return;
        }

        if ((events & Writable) != 0 && direction.Opposite is { Done: false, Pending: not null } opposite)
        {
            Flush(opposite);
        }

        if ((events & Readable) != 0 && !_finished && !direction.Done)
        {
            if ((events & PeerClosing) != 0)
            {
                // The FIN (or an error) came with this edge: no later edge announces it, so a short read is not the end.
                direction.SourceClosing = true;
            }

            if (direction.Pending is not null)
            {
                // The destination is full: read no more until it has taken what it has (back-pressure, as a copy loop's pending send).
                direction.SourceMayHaveMore = true;
            }
            else
            {
                Read(direction);
            }
        }
    }

    private void Register()
    {
        if (_finished)
        {
            // Aborted between Create and Start (the abort was posted first).
            return;
        }

        _client = HeldDescriptor.Take(_clientSocket);
        _backend = HeldDescriptor.Take(_backendSocket);
        if (!_client.Held || !_backend.Held)
        {
            // Aborted before it started: a socket was disposed under it.
            Fail(null, default, 0);
            return;
        }

        Upstream.Attach(_client.Fd, _backend.Fd);
        Downstream.Attach(_backend.Fd, _client.Fd);
        LoopNative.SetNonBlocking(_client.Fd);
        LoopNative.SetNonBlocking(_backend.Fd);
        foreach (var direction in (ReadOnlySpan<LoopDirection>)[Upstream, Downstream])
        {
            var registration = LoopRegistration.For(direction.Source, direction);
            if (_loop.Add(registration, Readable | Writable) is var errno and not 0)
            {
                Fail(direction, CopyStatus.SourceFailed, errno);
                return;
            }

            direction.Registration = registration;
        }
    }

    /// <summary>Reads the source into the loop's buffer and sends it on, until the source is drained, ends, or the destination is full.</summary>
    private void Read(LoopDirection direction)
    {
        var buffer = _loop.Buffer;
        while (true)
        {
            // Pumped until the source is empty (EAGAIN) or ends: with a pipe, a closing source needs nothing more.
            if (direction.Pipe is { } pipe)
            {
                if (!Pump(direction, pipe))
                {
                    return;
                }

                continue;
            }

            nint read;
            fixed (byte* start = buffer)
            {
                do
                {
                    read = LoopNative.Recv(direction.Source, start, (nuint)buffer.Length, 0);
                }
                while (read < 0 && LoopNative.LastError == LoopNative.EINTR);
            }

            if (read < 0)
            {
                var errno = LoopNative.LastError;
                if (errno != LoopNative.EAGAIN)
                {
                    Fail(direction, CopyStatus.SourceFailed, errno);
                }

                return;
            }

            if (read == 0)
            {
                EndOfStream(direction);
                return;
            }

            if (!Send(direction, buffer.AsSpan(0, (int)read)))
            {
                return;
            }

            if (read < buffer.Length && !direction.SourceClosing)
            {
                // A short read: the source is drained, and its next byte makes a new edge.
                return;
            }

            // A full buffer: more is queued, this is bulk. Splice from here on; asked once per direction.
            if (direction.SplicePipeSize > 0)
            {
                direction.Pipe = SplicePipe.TryCreate(direction.SplicePipeSize);
                direction.Spliced = direction.Pipe is not null;
                direction.SplicePipeSize = 0;
            }
        }
    }

    /// <summary>Sends <paramref name="data"/>; keeps what the destination does not take. Says whether all of it went.</summary>
    private bool Send(LoopDirection direction, ReadOnlySpan<byte> data)
    {
        var sent = SendSome(direction, data);
        if (sent < 0)
        {
            return false;
        }

        direction.Moved(sent);
        if (sent == data.Length)
        {
            return true;
        }

        direction.Keep(data[sent..]);
        direction.SourceMayHaveMore = true;
        return false;
    }

    /// <summary>One send(2): the bytes taken (0 when the destination is full), or -1 once the direction has failed.</summary>
    private int SendSome(LoopDirection direction, ReadOnlySpan<byte> data)
    {
        nint sent;
        fixed (byte* start = data)
        {
            do
            {
                sent = LoopNative.Send(direction.Destination, start, (nuint)data.Length, LoopNative.MsgNoSignal);
            }
            while (sent < 0 && LoopNative.LastError == LoopNative.EINTR);
        }

        if (sent >= 0)
        {
            return (int)sent;
        }

        var errno = LoopNative.LastError;
        if (errno == LoopNative.EAGAIN)
        {
            return 0;
        }

        Fail(direction, CopyStatus.DestinationFailed, errno);
        return -1;
    }

    /// <summary>The destination is writable again: send what it did not take, then pass on a FIN or read on.</summary>
    private void Flush(LoopDirection direction)
    {
        if (direction.Pending is { } pending)
        {
            var sent = SendSome(direction, pending.AsSpan(direction.PendingOffset, direction.PendingCount));
            if (sent < 0)
            {
                return;
            }

            direction.Moved(sent);
            if (!direction.Took(sent))
            {
                return;
            }
        }

        if (direction.SourceEnded)
        {
            PassFin(direction);
        }
        else if (direction.SourceMayHaveMore)
        {
            direction.SourceMayHaveMore = false;
            Read(direction);
        }
    }

    /// <summary>One run of splices; says whether to go on reading (false: drained, full, ended or failed).</summary>
    private bool Pump(LoopDirection direction, SplicePipe pipe)
    {
        var outcome = SplicePump.Run(pipe, direction.Source, direction.Destination, out var moved, out var errno, untilEmpty: true);
        direction.Moved(moved);
        switch (outcome)
        {
            case SpliceOutcome.SourceDrained:
                return false;
            case SpliceOutcome.DestinationFull:
                // What the pipe holds waits as a send would: a splice refused for want of room does not arm the socket's
                // writable edge the way a refused send(2) does, so the bytes are read out and sent, and that send waits.
                direction.SourceMayHaveMore = true;
                try
                {
                    // At most one loop buffer's worth leaves the pipe; the rest follows, in order, once this is sent.
                    direction.TakeFromPipe(pipe, _loop.Buffer.Length);
                }
                catch (SocketException ex)
                {
                    Fail(direction, CopyStatus.SourceFailed, ex.ErrorCode);
                    return false;
                }

                if (SendSome(direction, direction.Pending.AsSpan(direction.PendingOffset, direction.PendingCount)) is var sent and > 0)
                {
                    direction.Moved(sent);
                    if (direction.Took(sent))
                    {
                        return true;
                    }
                }

                return false;
            case SpliceOutcome.EndOfStream:
                EndOfStream(direction);
                return false;
            case SpliceOutcome.Unsupported:
                pipe.Dispose();
                direction.Pipe = null;
                direction.Spliced = false;
                return true;
            default:
                Fail(direction, outcome == SpliceOutcome.DestinationFailed ? CopyStatus.DestinationFailed : CopyStatus.SourceFailed, errno);
                return false;
        }
    }

    /// <summary>The source sent FIN: passed on at once, or once what the destination has not taken yet has gone.</summary>
    private void EndOfStream(LoopDirection direction)
    {
        direction.SourceEnded = true;
        if (direction.Pending is null)
        {
            PassFin(direction);
        }
    }

    private void PassFin(LoopDirection direction)
    {
        // ENOTCONN after a reset or our own shutdown: nobody left to tell, as SocketTermination.ShutdownSend.
        _ = LoopNative.Shutdown(direction.Destination, LoopNative.ShutWrite);
        Complete(direction, new CopyResult(CopyStatus.Completed, direction.BytesCopied));
    }

    /// <summary>
    /// A receive, send or splice failed (or <paramref name="failed"/> is null: an abort): both sockets are set to reset on
    /// close, the failing direction reports why and the other one that it was aborted, as <see cref="CopyEnding.Failure"/>.
    /// </summary>
    private void Fail(LoopDirection? failed, CopyStatus status, int errno)
    {
        SetAbortive(_client, _clientSocket);
        SetAbortive(_backend, _backendSocket);

        foreach (var direction in (ReadOnlySpan<LoopDirection>)[Upstream, Downstream])
        {
            if (!direction.Done)
            {
                var error = LoopErrors.ToSocketError(errno);
                Complete(direction, ReferenceEquals(direction, failed) && error != SocketError.OperationAborted
                    ? new CopyResult(status, direction.BytesCopied, error)
                    : new CopyResult(CopyStatus.Aborted, direction.BytesCopied));
            }
        }
    }

    /// <summary>SO_LINGER 0, so that the connection's close of the socket is a reset: on the descriptor while held, else on the socket (an abort before the relay registered).</summary>
    private static void SetAbortive(HeldDescriptor? held, Socket socket)
    {
        if (held is { Held: true })
        {
            LoopNative.SetAbortive(held.Fd);
            return;
        }

        try
        {
            socket.LingerState = Abortive;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed: nothing left to reset.
        }
    }

    /// <summary>
    /// Ends a direction and tells the connection. The last one first leaves the loop and lets go of the sockets, since
    /// the connection closes them as soon as it hears (on this thread).
    /// </summary>
    private void Complete(LoopDirection direction, CopyResult result)
    {
        direction.Complete(result);
        if (direction.Opposite.Done)
        {
            _finished = true;
            foreach (var side in (ReadOnlySpan<LoopDirection>)[Upstream, Downstream])
            {
                _loop.Remove(side.Registration);
                side.Registration = default;
            }

            _client?.Release();
            _backend?.Release();
        }

        _onCompleted(direction);
    }
}
