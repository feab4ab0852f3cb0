using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using GrandAmbassador.Proxy.Diagnostics;
using GrandAmbassador.Proxy.Hosting;
using GrandAmbassador.Proxy.Routing;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Proxy.Udp;

/// <summary>
/// One bound UDP port: receives every client's datagrams on one socket, keys them to a <see cref="UdpSession"/>
/// by the client's address, sends replies back from the same socket, and sweeps idle sessions away.
/// </summary>
internal sealed class UdpPortListener : IPortListener
{
    /// <summary>Room for the largest UDP payload over IPv4 (65,507 bytes) and IPv6 (65,527) without jumbograms.</summary>
    public const int MaxDatagramSize = 65_536;

    private readonly Socket _socket;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ConcurrentDictionary<SocketAddress, UdpSession> _sessions = new();
    private readonly TimeSpan _idleTimeout;
    private readonly int _maxSessions;
    private readonly ITimer _sweepTimer;
    private int _sessionCount;
    private int _saturationLogged;
    private Task _receiveLoop = Task.CompletedTask;

    private UdpPortListener(ListenPort port, Socket socket, RouteSnapshot snapshot, ProxyOptions options, TimeProvider timeProvider, ProxyMetrics metrics, PortTags tags, ILogger logger)
    {
        Port = port;
        _socket = socket;
        TimeProvider = timeProvider;
        Router = new PortRouter(snapshot);
        Metrics = metrics;
        Tags = tags;
        Logger = logger;
        ConnectWait = options.ConnectWait;
        MaxHeldDatagrams = options.UdpHeldDatagramsPerSession;
        _idleTimeout = options.UdpSessionIdleTimeout;
        _maxSessions = options.UdpMaxSessionsPerPort;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        Dialer = new BackendDialer(port, Router, options, timeProvider, metrics, tags, logger);

        // A quarter of the timeout: a session lives at most 25% past its idle limit, and the sweep stays rare.
        var period = _idleTimeout / 4;
        _sweepTimer = timeProvider.CreateTimer(static state => ((UdpPortListener)state!).SweepIdleSessions(), this, period, period);
    }

    public ListenPort Port { get; }

    public IPEndPoint LocalEndPoint { get; }

    internal TimeProvider TimeProvider { get; }

    internal PortRouter Router { get; }

    internal BackendDialer Dialer { get; }

    internal ProxyMetrics Metrics { get; }

    internal PortTags Tags { get; }

    internal ILogger Logger { get; }

    internal TimeSpan ConnectWait { get; }

    internal int MaxHeldDatagrams { get; }

    /// <summary>The number of open sessions; for tests and diagnostics.</summary>
    internal int SessionCount => Volatile.Read(ref _sessionCount);

    /// <summary>Binds and starts receiving; a <see cref="SocketException"/> means the port cannot be had.</summary>
    public static UdpPortListener Start(ListenPort port, RouteSnapshot snapshot, ProxyOptions options, TimeProvider timeProvider, ProxyMetrics metrics, PortTags tags, ILogger logger)
    {
        var socket = ListenSockets.Bind(options, port.Port, SocketType.Dgram, ProtocolType.Udp);

        var listener = new UdpPortListener(port, socket, snapshot, options, timeProvider, metrics, tags, logger);
        listener._receiveLoop = listener.ReceiveLoopAsync();
        UdpLog.Listening(logger, port, listener.LocalEndPoint);
        return listener;
    }

    public void Apply(RouteSnapshot snapshot)
    {
        Router.Update(snapshot);
        var closed = snapshot.CloseNotRetained(_sessions.Values, session => session.BackendId, session => session.Close());
        if (closed > 0)
        {
            UdpLog.ClosingNotRetained(Logger, Port, closed);
        }
    }

    internal ValueTask<int> SendToClientAsync(ReadOnlyMemory<byte> datagram, SocketAddress client)
    {
        Metrics.UdpDatagrams.Add(1, Tags.Service, Tags.Port, Tags.Downstream);
        return _socket.SendToAsync(datagram, SocketFlags.None, client);
    }

    internal void OnSessionClosed(UdpSession session)
    {
        if (_sessions.TryRemove(KeyValuePair.Create(session.ClientAddress, session)))
        {
            Interlocked.Decrement(ref _sessionCount);
            Volatile.Write(ref _saturationLogged, 0);
            Metrics.UdpSessionsActive.Add(-1, Tags.Service, Tags.Port);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_shutdown.IsCancellationRequested)
        {
            return;
        }

        _shutdown.Cancel();
        await _sweepTimer.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _receiveLoop.ConfigureAwait(false);

        await OpenFlows.CloseAllAsync(_sessions.Values, session => session.Close(), session => session.Completion).ConfigureAwait(false);
        Router.Update(RouteSnapshot.Empty);
        _shutdown.Dispose();
        UdpLog.StoppedListening(Logger, Port);
    }

    private async Task ReceiveLoopAsync()
    {
        var cancellationToken = _shutdown.Token;

        // One buffer and one address for the port's lifetime: receiving allocates nothing per datagram.
        var buffer = GC.AllocateUninitializedArray<byte>(MaxDatagramSize);
        var address = new SocketAddress(_socket.AddressFamily);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var read = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, address, cancellationToken).ConfigureAwait(false);
                if (!_sessions.TryGetValue(address, out var session))
                {
                    session = TryOpenSession(address, cancellationToken);
                    if (session is null)
                    {
                        continue;
                    }
                }

                await session.ForwardAsync(buffer.AsMemory(0, read)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException && cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex)
            {
                // Windows reports an ICMP error for an earlier reply here; it concerns one client, not the port.
                UdpLog.ReceiveFailed(Logger, Port, ex.SocketErrorCode);
            }
            catch (Exception ex)
            {
                UdpLog.ReceiveLoopFailed(Logger, Port, ex);
            }
        }
    }

    private UdpSession? TryOpenSession(SocketAddress address, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _sessionCount) > _maxSessions)
        {
            Interlocked.Decrement(ref _sessionCount);
            Metrics.UdpDatagramsDropped.Add(1, Tags.Service, Tags.Port);
            if (Interlocked.Exchange(ref _saturationLogged, 1) == 0)
            {
                UdpLog.SessionLimitReached(Logger, Port, _maxSessions);
            }

            return null;
        }

        // The receive address is reused for the next datagram, so the session keeps its own copy.
        var key = new SocketAddress(address.Family, address.Size);
        address.Buffer.Span[..address.Size].CopyTo(key.Buffer.Span);
        var session = new UdpSession(this, key);
        _sessions[key] = session;
        Metrics.UdpSessionsActive.Add(1, Tags.Service, Tags.Port);
        session.Start(cancellationToken);
        return session;
    }

    private void SweepIdleSessions()
    {
        try
        {
            var now = TimeProvider.GetTimestamp();
            foreach (var session in _sessions.Values)
            {
                if (TimeProvider.GetElapsedTime(session.LastActivity, now) >= _idleTimeout)
                {
                    session.Close();
                }
            }
        }
        catch (Exception ex)
        {
            UdpLog.SweepFailed(Logger, Port, ex);
        }
    }
}
