using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using GrandAmbassador.Proxy.Engine;
using GrandAmbassador.Proxy.EventLoops;
using GrandAmbassador.Proxy.Limits;
using GrandAmbassador.Proxy.ProxyProtocol;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Udp.Loop;

namespace GrandAmbassador.Proxy.Udp;

/// <summary>
/// The datagrams of one client endpoint on one UDP port, relayed through a socket connected to one backend,
/// so that the backend sees a stable peer per client and replies find their way back. Like traefik's
/// <c>udp.Conn</c>: a session per remote address, ended by idleness. A backend on another host behind its host's
/// relay is reached through a <see cref="RelayedDatagramLink"/> of the session's own instead of the socket. On the
/// event loops the backend socket lives on its port's loop (<see cref="LoopDatagramBackend"/>), and the client's
/// datagrams arrive in batches (<see cref="ForwardOnLoop"/>); otherwise one at a time (<see cref="ForwardAsync"/>).
/// </summary>
internal sealed class UdpSession : IProxyFlow
{
    private readonly PortContext _context;
    private readonly Socket _listenSocket;
    private readonly Action<UdpSession> _onClosed;
    private readonly LoopDatagramPort? _loopPort;
    private readonly object _gate = new();
    private Queue<byte[]>? _held = new();
    private HeldFlow? _heldBytes;
    private Socket? _socket;

    // Set instead of _socket for a backend behind a host's relay; published the same way.
    private RelayedDatagramLink? _link;

    // On the loop path, the backend socket's handler; set before _socket is published, read by Abort under the gate.
    private LoopDatagramBackend? _loopBackend;
    private Destination? _destination;

    // The PROXY v2 header each datagram to the backend starts with, when the name or the container asks for one;
    // written before _socket or _link is published (under the gate), so whoever sees either sees it too.
    private byte[]? _proxyHeader;
    private long _lastActivity;
    private int _closed;

    /// <param name="context">The port's shared state.</param>
    /// <param name="listenSocket">The port's socket, which replies are sent from.</param>
    /// <param name="clientAddress">The client's address, owned by the session from now on.</param>
    /// <param name="onClosed">Told once when the session closes.</param>
    /// <param name="loopPort">The port's socket on its event loop; null on the sockets path.</param>
    public UdpSession(PortContext context, Socket listenSocket, SocketAddress clientAddress, Action<UdpSession> onClosed, LoopDatagramPort? loopPort = null)
    {
        _loopPort = loopPort;
        _context = context;
        _listenSocket = listenSocket;
        _onClosed = onClosed;
        ClientAddress = clientAddress;
        _lastActivity = context.TimeProvider.GetTimestamp();
    }

    /// <summary>The client's address; also the session's key, so it is never written after construction.</summary>
    public SocketAddress ClientAddress { get; }

    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>The backend this session relays to; <see langword="null"/> while it waits for one.</summary>
    public string? BackendId => Volatile.Read(ref _destination)?.BackendId;

    /// <summary>The timestamp (of the listener's <see cref="TimeProvider"/>) of the last datagram either way.</summary>
    public long LastActivity => Volatile.Read(ref _lastActivity);

    public void Start(CancellationToken cancellationToken) => Completion = RunAsync(cancellationToken);

    /// <summary>Relays a datagram from the client, or holds a copy while the session has no backend yet.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask ForwardAsync(ReadOnlyMemory<byte> datagram)
    {
        Volatile.Write(ref _lastActivity, _context.TimeProvider.GetTimestamp());
        var socket = Volatile.Read(ref _socket);
        if (socket is null)
        {
            if (ForwardWithoutSocket(datagram.Span))
            {
                return;
            }

            socket = Volatile.Read(ref _socket)!;
        }

        try
        {
            if (_proxyHeader is { } header)
            {
                await SendWithHeaderAsync(socket, header, datagram).ConfigureAwait(false);
            }
            else
            {
                await socket.SendAsync(datagram, SocketFlags.None).ConfigureAwait(false);
            }

            _context.Counts.UdpDatagramsUpstream.Add(1);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // An ICMP "port unreachable" from an earlier datagram surfaces here: the backend is gone.
            // Closing lets the client's next datagram start a session towards the current destinations.
            UdpLog.SessionSendFailed(_context.Logger, _context.Port, ex is SocketException se ? se.SocketErrorCode : SocketError.OperationAborted);
            Abort();
        }
    }

    /// <summary>
    /// Relays a run of datagrams from the client received on the port's loop (<see cref="LoopDatagramPort"/>): on the
    /// loop's thread, with one sendmmsg to the backend; held or into a relay's link like <see cref="ForwardAsync"/>'s
    /// while there is no backend socket. A datagram the socket has no room for is dropped, as a full buffer drops it.
    /// </summary>
    public void ForwardOnLoop(DatagramBatch batch, int start, int count)
    {
        Volatile.Write(ref _lastActivity, _context.TimeProvider.GetTimestamp());
        if (Volatile.Read(ref _socket) is null)
        {
            while (count > 0 && ForwardWithoutSocket(batch.Datagram(start)))
            {
                start++;
                count--;
            }

            if (count == 0)
            {
                return;
            }
        }

        // The backend's socket is closed only on this thread (LoopDatagramBackend.Close), after this session left the
        // port's table: its descriptor is still this session's here.
        var fd = _loopBackend!.Fd;
        while (count > 0)
        {
            var sent = batch.Send(fd, start, count, _proxyHeader);
            if (sent > 0)
            {
                // A short count hides the errno that stopped it: the next call (from there) says what it was.
                _context.Counts.UdpDatagramsUpstream.Add(sent);
                start += sent;
                count -= sent;
                continue;
            }

            switch (-sent)
            {
                case LoopNative.EINTR:
                    continue;
                case LoopNative.EAGAIN or LoopNative.ENOBUFS:
                    // No room in the socket's buffer: dropped, as nginx does (the sockets path waits for room).
                    _context.Counts.UdpDatagramsDropped.Add(count);
                    return;
                case LoopNative.EMSGSIZE:
                    // Too large for the path: that one datagram, not the session.
                    _context.Counts.UdpDatagramsDropped.Add(1);
                    start++;
                    count--;
                    continue;
                default:
                    // An ICMP "port unreachable" from an earlier datagram surfaces here, as on the sockets path.
                    _context.Counts.UdpDatagramsDropped.Add(count);
                    UdpLog.SessionSendFailed(_context.Logger, _context.Port, LoopErrors.ToSocketError(-sent));
                    Abort();
                    return;
            }
        }
    }

    /// <summary>Replies received from the backend on the loop; they go to the client next.</summary>
    internal void Replied(int count)
    {
        Volatile.Write(ref _lastActivity, _context.TimeProvider.GetTimestamp());
        _context.Counts.UdpDatagramsDownstream.Add(count);
    }

    /// <summary>Replies the port's socket had no room for.</summary>
    internal void RepliesDropped(int count)
    {
        if (count > 0)
        {
            _context.Counts.UdpDatagramsDropped.Add(count);
        }
    }

    /// <summary>The backend's socket failed on the loop (typically an ICMP "port unreachable"): the session ends.</summary>
    internal void ReceiveFailed(SocketError error)
    {
        UdpLog.SessionReceiveFailed(_context.Logger, _context.Port, error);
        Abort();
    }

    /// <summary>
    /// A datagram while the session has no backend socket: into the relay's link, or held until a backend is found.
    /// False when a socket was published meanwhile: the caller sends on it.
    /// </summary>
    private bool ForwardWithoutSocket(ReadOnlySpan<byte> datagram)
    {
        if (Volatile.Read(ref _link) is { } link)
        {
            ForwardRelayed(link, datagram);
            return true;
        }

        lock (_gate)
        {
            if (_socket is not null)
            {
                return false;
            }

            if (_link is { } published)
            {
                ForwardRelayed(published, datagram);
            }
            else
            {
                Hold(datagram);
            }

            return true;
        }
    }

    /// <summary>
    /// Into the relay's link, header and all, as it would reach the container; never waits, so the port's other clients
    /// do not wait for this link. Dropped like a datagram a full socket buffer drops, when the link is behind.
    /// </summary>
    private void ForwardRelayed(RelayedDatagramLink link, ReadOnlySpan<byte> datagram)
    {
        if (link.TrySend(_proxyHeader, datagram))
        {
            _context.Counts.UdpDatagramsUpstream.Add(1);
        }
        else
        {
            _context.Counts.UdpDatagramsDropped.Add(1);
        }
    }

    /// <summary>One datagram: the header, then the client's bytes, copied together into a pooled buffer.</summary>
    private static async ValueTask SendWithHeaderAsync(Socket socket, byte[] header, ReadOnlyMemory<byte> datagram)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(header.Length + datagram.Length);
        try
        {
            header.CopyTo(buffer, 0);
            datagram.Span.CopyTo(buffer.AsSpan(header.Length));
            await socket.SendAsync(buffer.AsMemory(0, header.Length + datagram.Length), SocketFlags.None).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The v2 header naming this session's client, or null when neither the name nor the container asks for one.</summary>
    private byte[]? CreateProxyHeader(Destination destination)
    {
        var version = _context.ProxyProtocol != ProxyProtocolVersion.None ? _context.ProxyProtocol : destination.ProxyProtocol;
        if (version != ProxyProtocolVersion.V2)
        {
            // v1 has no datagram form (PortContext already dropped a name's v1 for UDP; a label's is dropped here).
            return null;
        }

        var client = (IPEndPoint)new IPEndPoint(IPAddress.Any, 0).Create(ClientAddress);
        return ProxyHeaderWriter.Create(version, client, (IPEndPoint)_listenSocket.LocalEndPoint!, datagram: true);
    }

    /// <summary>A datagram flow has no gentle close: the same as <see cref="Abort"/>.</summary>
    public void Close() => Abort();

    /// <summary>Closes the session and its backend socket (or the relay's link: a FIN, which ends the relay's session too); its receive loop then ends.</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        _onClosed(this);
        Socket? socket;
        RelayedDatagramLink? link;
        LoopDatagramBackend? loopBackend;
        int dropped;
        lock (_gate)
        {
            socket = _socket;
            link = _link;
            loopBackend = _loopBackend;
            dropped = _held?.Count ?? 0;
            _held = null;
            ReleaseHeldBytes();
        }

        if (dropped > 0)
        {
            _context.Counts.UdpDatagramsDropped.Add(dropped);
        }

        if (loopBackend is not null)
        {
            // On the loop, after the handler that may be sending on it now.
            loopBackend.Close();
        }
        else
        {
            socket?.Dispose();
        }

        // Closed, not disposed: its receive loop may be reading the link's stream, and disposes the link once it ends.
        link?.Close();
    }

    /// <summary>Called under the gate.</summary>
    private void Hold(ReadOnlySpan<byte> datagram)
    {
        // Held datagrams are copies, bounded per session and by their bytes across the process: memory stays
        // bounded however long the wait and however many clients.
        if (_held is { } held && held.Count < _context.Options.UdpHeldDatagramsPerSession)
        {
            held.Enqueue(datagram.ToArray());
            var bound = _context.Limits.HeldDatagrams;
            if (_heldBytes is null)
            {
                // Evicted from another session's thread, possibly under that session's gate: close on the pool.
                _heldBytes = new HeldFlow(_context.Counts, () => ThreadPool.UnsafeQueueUserWorkItem(static session => session.Abort(), this, preferLocal: false));
                bound.Enter(_heldBytes);
            }

            bound.Add(_heldBytes, datagram.Length);
        }
        else
        {
            _context.Counts.UdpDatagramsDropped.Add(1);
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_loopPort is not null && ReachesARelay(_context.Router.Current))
            {
                // Started on the port's loop: a relayed dial may make a link's TLS handshake, which the port's other
                // clients must not wait for. A direct dial (a datagram socket's connect) is done at once, there.
                await Task.Yield();
            }

            var result = await _context.Dialer.DialAsync(cancellationToken, this).ConfigureAwait(false);
            if (!result.Connected)
            {
                int dropped;
                lock (_gate)
                {
                    dropped = _held?.Count ?? 0;
                }

                UdpLog.ConnectWaitExpired(_context.Logger, _context.Port, _context.Options.ConnectWait.TotalSeconds, dropped);
                return;
            }

            // Publish before checking, as TcpConnection does, so that a concurrent snapshot swap cannot miss us.
            Interlocked.Exchange(ref _destination, result.Destination);
            if (result.Destination.Relay is not null)
            {
                await RunRelayedAsync(RelayedDatagramLink.Of(result), result).ConfigureAwait(false);
                return;
            }

            var socket = result.Socket!;
            if (_loopPort is { } loopPort)
            {
                await RunOnLoopAsync(new LoopDatagramBackend(this, loopPort, socket), result).ConfigureAwait(false);
                return;
            }

            if (!_context.Router.Current.Retains(result.Destination.BackendId) || !TryPublish(socket, CreateProxyHeader(result.Destination)))
            {
                socket.Dispose();
                return;
            }

            UdpLog.SessionStarted(_context.Logger, _context.Port, result.Destination.BackendId, result.Address);
            await ReceiveLoopAsync(socket).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The port is closing.
        }
        catch (Exception ex)
        {
            UdpLog.SessionFailed(_context.Logger, _context.Port, ex);
        }
        finally
        {
            Abort();
        }
    }

    private static bool ReachesARelay(RouteSnapshot snapshot)
    {
        foreach (var destination in snapshot.Destinations)
        {
            if (destination.Relay is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The session with its backend socket on the port's loop, until it closes.</summary>
    private async Task RunOnLoopAsync(LoopDatagramBackend backend, DialResult result)
    {
        // Before the socket is published: Abort, which reads both under the gate, then closes it on the loop.
        Volatile.Write(ref _loopBackend, backend);
        if (!_context.Router.Current.Retains(result.Destination!.BackendId) || !TryPublish(result.Socket!, CreateProxyHeader(result.Destination)))
        {
            backend.Close();
            return;
        }

        UdpLog.SessionStarted(_context.Logger, _context.Port, result.Destination.BackendId, result.Address);
        backend.Start();
        await backend.Completion.ConfigureAwait(false);
    }

    /// <summary>The session through a host's relay: its link in place of the socket, until either end closes it.</summary>
    private async Task RunRelayedAsync(RelayedDatagramLink link, DialResult result)
    {
        using (link)
        {
            if (!_context.Router.Current.Retains(result.Destination!.BackendId) || !TryPublish(link, CreateProxyHeader(result.Destination)))
            {
                return;
            }

            UdpLog.SessionStarted(_context.Logger, _context.Port, result.Destination.BackendId, result.Address);
            var ending = "it closed the session";
            try
            {
                await link.ReceiveAsync(ToClientAsync).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
            {
                ending = ex.Message;
            }

            // Only an end the relay chose is worth a line: this session's own close (idleness, policy, shutdown) is not.
            if (Volatile.Read(ref _closed) == 0)
            {
                UdpLog.RelayedSessionEnded(_context.Logger, _context.Port, result.Destination.Relay!.HostId, ending);
            }
        }
    }

    /// <summary>Sends the held datagrams in order into the relay's link, then lets new ones go straight in.</summary>
    private bool TryPublish(RelayedDatagramLink link, byte[]? proxyHeader) =>
        TryPublish(proxyHeader, datagram => ForwardRelayed(link, datagram), () => Volatile.Write(ref _link, link));

    /// <summary>The client's address, for the relay's log; its socket address in the listening socket's family.</summary>
    public IPEndPoint? ClientEndPoint => _listenSocket.LocalEndPoint?.Create(ClientAddress) as IPEndPoint;

    /// <summary>A datagram from the relay's link: the container's reply, sent to the client from the port's socket.</summary>
    private async ValueTask ToClientAsync(ReadOnlyMemory<byte> datagram)
    {
        Volatile.Write(ref _lastActivity, _context.TimeProvider.GetTimestamp());
        _context.Counts.UdpDatagramsDownstream.Add(1);
        await _listenSocket.SendToAsync(datagram, SocketFlags.None, ClientAddress).ConfigureAwait(false);
    }

    /// <summary>Sends the held datagrams in order, then lets new ones go straight through.</summary>
    private bool TryPublish(Socket socket, byte[]? proxyHeader) =>
        TryPublish(
            proxyHeader,
            datagram =>
            {
                // A datagram send does not wait for the peer.
                try
                {
                    socket.Send(proxyHeader is null ? datagram : [.. proxyHeader, .. datagram]);
                    _context.Counts.UdpDatagramsUpstream.Add(1);
                }
                catch (SocketException)
                {
                    _context.Counts.UdpDatagramsDropped.Add(1);
                }
            },
            () => Volatile.Write(ref _socket, socket));

    /// <summary>
    /// Once a backend is found (a connected socket, or a relay's link): the held datagrams go first, in order, under the
    /// lock, so that no datagram from the client overtakes them; then <paramref name="publish"/> lets new ones go straight
    /// through. Once per session, so its delegates cost nothing on the datagram path.
    /// </summary>
    private bool TryPublish(byte[]? proxyHeader, Action<byte[]> forwardHeld, Action publish)
    {
        lock (_gate)
        {
            if (Volatile.Read(ref _closed) != 0)
            {
                return false;
            }

            var held = _held!;
            _held = null;
            ReleaseHeldBytes();
            _proxyHeader = proxyHeader;
            while (held.TryDequeue(out var datagram))
            {
                forwardHeld(datagram);
            }

            publish();
            return true;
        }
    }

    /// <summary>Called under the gate, once the held datagrams are sent or dropped.</summary>
    private void ReleaseHeldBytes()
    {
        if (_heldBytes is { } heldBytes)
        {
            _heldBytes = null;
            _context.Limits.HeldDatagrams.Leave(heldBytes);
        }
    }

    private async Task ReceiveLoopAsync(Socket socket)
    {
        while (true)
        {
            byte[]? buffer = null;
            try
            {
                // A peek with no buffer waits for a datagram without consuming it, so an idle session holds
                // no 64 KiB buffer (a plain zero-byte read would discard a datagram).
                await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.Peek).ConfigureAwait(false);
                buffer = ArrayPool<byte>.Shared.Rent(UdpPortListener.MaxDatagramSize);
                var read = await socket.ReceiveAsync(buffer.AsMemory(0, UdpPortListener.MaxDatagramSize), SocketFlags.None).ConfigureAwait(false);
                Volatile.Write(ref _lastActivity, _context.TimeProvider.GetTimestamp());
                _context.Counts.UdpDatagramsDownstream.Add(1);
                await _listenSocket.SendToAsync(buffer.AsMemory(0, read), SocketFlags.None, ClientAddress).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException { SocketErrorCode: SocketError.OperationAborted })
            {
                // Closed by idleness, policy or shutdown.
                return;
            }
            catch (SocketException ex)
            {
                // Typically ConnectionRefused: an ICMP "port unreachable" came back from the backend.
                UdpLog.SessionReceiveFailed(_context.Logger, _context.Port, ex.SocketErrorCode);
                return;
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
}
