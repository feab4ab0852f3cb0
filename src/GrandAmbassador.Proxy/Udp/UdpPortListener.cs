using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using GrandAmbassador.Proxy.Access;
using GrandAmbassador.Proxy.Engine;
using GrandAmbassador.Proxy.EventLoops;
using GrandAmbassador.Proxy.Udp.Loop;

namespace GrandAmbassador.Proxy.Udp;

/// <summary>
/// One bound UDP port: receives every client's datagrams on one socket, keys them to a <see cref="UdpSession"/>
/// by the client's address, sends replies back from the same socket, and sweeps idle sessions away. On the event
/// loops (<see cref="PortContext.Loops"/>) the socket and all its sessions' sockets live on one loop
/// (<see cref="LoopDatagramPort"/>); otherwise a receive loop of .NET's sockets takes the datagrams.
/// </summary>
internal sealed class UdpPortListener : PortListener
{
    /// <summary>Room for the largest UDP payload over IPv4 (65,507 bytes) and IPv6 (65,527) without jumbograms.</summary>
    public const int MaxDatagramSize = 65_536;

    private readonly ConcurrentDictionary<SocketAddress, UdpSession> _sessions = new();
    private readonly Action<UdpSession> _onSessionClosed;

    // The per-client entry each session holds, for a name that counts clients; never touched for one that does not.
    private readonly ConcurrentDictionary<UdpSession, ClientEntry> _clientEntries = new();
    private int _sessionCount;
    private int _saturationLogged;

    // On the loop path: the port's socket on its loop, and the address each received datagram is looked up by
    // (the loop's thread only, so one will do).
    private LoopDatagramPort? _loopPort;
    private readonly SocketAddress _sender;

    private UdpPortListener(PortContext context, Socket socket)
        : base(context, socket)
    {
        _onSessionClosed = OnSessionClosed;
        _sender = new SocketAddress(socket.AddressFamily);
    }

    /// <summary>Whether the port's datagrams are received on an event loop (else by .NET's sockets); for tests.</summary>
    internal bool OnEventLoop => _loopPort is not null;

    /// <summary>The number of open sessions; for tests and diagnostics.</summary>
    internal int SessionCount => Volatile.Read(ref _sessionCount);

    protected override IEnumerable<IProxyFlow> Flows => _sessions.Values;

    /// <summary>Binds and starts receiving; a <see cref="SocketException"/> means the port cannot be had.</summary>
    public static UdpPortListener Start(PortContext context)
    {
        var socket = ListenSockets.Bind(context.Options, context.Port.Port, SocketType.Dgram, ProtocolType.Udp);
        var listener = new UdpPortListener(context, socket);
        if (context.Loops is { } loops && listener.TryJoin(loops.Next()) is { } port)
        {
            listener.Run(_ => port.Stopped);
        }
        else
        {
            listener.Run(listener.ReceiveLoopAsync);
        }

        // A quarter of the timeout: a session lives at most 25% past its idle limit, and the sweep stays rare.
        listener.StartSweeps(context.Options.UdpSessionIdleTimeout / 4);
        return listener;
    }

    /// <summary>The port's socket on <paramref name="loop"/>; null (said) when epoll will not take it, and .NET's sockets receive instead.</summary>
    private LoopDatagramPort? TryJoin(EventLoop loop)
    {
        // Set before the socket is in the loop's set: a datagram there at once opens a session on the loop.
        _loopPort = new LoopDatagramPort(this, loop, Socket);
        if (_loopPort.Start() is var errno and not 0)
        {
            _loopPort = null;
            UdpLog.LoopRefused(Context.Logger, Port, LoopErrors.ToSocketError(errno));
        }

        return _loopPort;
    }

    /// <summary>On a loop, the socket is closed there, once no handler can be using it.</summary>
    protected override void StopReceiving()
    {
        if (_loopPort is { } port)
        {
            port.Stop();
        }
        else
        {
            base.StopReceiving();
        }
    }

    /// <summary>
    /// A run of datagrams from one client, received on the loop (<see cref="LoopDatagramPort"/>): to its session, opened
    /// for a new client if the name's access lets it in.
    /// </summary>
    internal void Deliver(DatagramBatch batch, int start, int count)
    {
        var sender = batch.Sender(start);
        sender.CopyTo(_sender.Buffer.Span);
        _sender.Size = sender.Length;
        SessionFor(_sender, attempts: count)?.ForwardOnLoop(batch, start, count);
    }

    protected override void Sweep(long now)
    {
        var timeProvider = Context.TimeProvider;
        var idleTimeout = Context.Options.UdpSessionIdleTimeout;
        foreach (var session in _sessions.Values)
        {
            if (timeProvider.GetElapsedTime(session.LastActivity, now) >= idleTimeout)
            {
                session.Abort();
            }
        }

        // The next time the table fills up is a new episode, worth a new warning.
        if (SessionCount < Context.Options.UdpMaxSessionsPerPort)
        {
            Volatile.Write(ref _saturationLogged, 0);
        }
    }

    /// <summary>
    /// Makes room for a new client by closing the session used least recently: a full table never locks new clients
    /// out. One pass over the table, on the receive loop, only while it is full.
    /// </summary>
    private void EvictLeastRecentlyUsed(int maxSessions)
    {
        UdpSession? oldest = null;
        foreach (var session in _sessions.Values)
        {
            if (oldest is null || session.LastActivity < oldest.LastActivity)
            {
                oldest = session;
            }
        }

        if (oldest is null)
        {
            return;
        }

        oldest.Abort();
        Context.Counts.UdpSessionsEvicted.Add(1);
        if (Interlocked.Exchange(ref _saturationLogged, 1) == 0)
        {
            UdpLog.SessionLimitReached(Context.Logger, Port, maxSessions);
        }
    }

    private void OnSessionClosed(UdpSession session)
    {
        if (_sessions.TryRemove(KeyValuePair.Create(session.ClientAddress, session)))
        {
            Interlocked.Decrement(ref _sessionCount);
            Context.Counts.UdpSessionsActive.Add(-1);
            if (_clientEntries.TryRemove(session, out var client))
            {
                client.Release();
            }
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        // One buffer and one address for the port's lifetime: receiving allocates nothing per datagram.
        var buffer = GC.AllocateUninitializedArray<byte>(MaxDatagramSize);
        var address = new SocketAddress(Socket.AddressFamily);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var read = await Socket.ReceiveFromAsync(buffer, SocketFlags.None, address, cancellationToken).ConfigureAwait(false);
                if (SessionFor(address, attempts: 1) is { } session)
                {
                    await session.ForwardAsync(buffer.AsMemory(0, read)).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException && cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex)
            {
                // Windows reports an ICMP error for an earlier reply here; it concerns one client, not the port.
                UdpLog.ReceiveFailed(Context.Logger, Port, ex.SocketErrorCode);
            }
            catch (Exception ex)
            {
                UdpLog.ReceiveLoopFailed(Context.Logger, Port, ex);
            }
        }
    }

    /// <summary>
    /// The session of the client at <paramref name="address"/>, opened if it is new and the name's access lets it in (only a
    /// new client is checked: its later datagrams pay nothing); null when refused, which counts <paramref name="attempts"/>
    /// refusals (the datagrams of a run a loop received in one batch).
    /// </summary>
    private UdpSession? SessionFor(SocketAddress address, int attempts)
    {
        if (_sessions.TryGetValue(address, out var session))
        {
            return session;
        }

        ClientEntry? entry = null;
        return Context.Access.IsOpen || PortAdmission.Admit(Context, ClientAddressOf(address), out entry, attempts)
            ? OpenSession(address, entry)
            : null;
    }

    /// <summary>The client address of a datagram, as <see cref="ClientAddress"/> normalizes it; allocates, so only for new clients of a name with access settings.</summary>
    private IPAddress? ClientAddressOf(SocketAddress address) =>
        LocalEndPoint.Create(address) is IPEndPoint client ? ClientAddress.Normalize(client.Address) : null;

    private UdpSession OpenSession(SocketAddress address, ClientEntry? entry)
    {
        var maxSessions = Context.Options.UdpMaxSessionsPerPort;
        if (Volatile.Read(ref _sessionCount) >= maxSessions)
        {
            EvictLeastRecentlyUsed(maxSessions);
        }

        Interlocked.Increment(ref _sessionCount);

        // The receive address is reused for the next datagram, so the session keeps its own copy.
        var key = new SocketAddress(address.Family, address.Size);
        address.Buffer.Span[..address.Size].CopyTo(key.Buffer.Span);
        var session = new UdpSession(Context, Socket, key, _onSessionClosed, _loopPort);
        if (entry is not null)
        {
            _clientEntries[session] = entry;
        }

        _sessions[key] = session;
        Context.Counts.UdpSessionsOpened.Add(1);
        Context.Counts.UdpSessionsActive.Add(1);
        session.Start(Closing);
        return session;
    }
}
