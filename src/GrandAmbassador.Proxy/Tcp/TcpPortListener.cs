using System.Collections.Concurrent;
using System.Net.Sockets;
using GrandAmbassador.Proxy.Access;
using GrandAmbassador.Proxy.Engine;

namespace GrandAmbassador.Proxy.Tcp;

/// <summary>
/// One listening TCP port: accepts, hands each client to a <see cref="TcpConnection"/>, and keeps accepting
/// even with no destination, because held connections are better than refused ones while a container restarts.
/// It accepts only with a free slot of the process-wide connection limit, and sweeps its connections for the
/// idle and half-close timeouts.
/// </summary>
internal sealed class TcpPortListener : PortListener
{
    private static readonly TimeSpan MaxSweepPeriod = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan AcceptFailureLogInterval = TimeSpan.FromSeconds(1);
    // Each connection with the per-client entry it holds (null for a name that counts no clients).
    private readonly ConcurrentDictionary<TcpConnection, ClientEntry?> _connections = new();
    private readonly Action<TcpConnection> _onConnectionClosed;
    private long _acceptFailureLogged;
    private int _acceptFailuresUnlogged;

    private TcpPortListener(PortContext context, Socket socket)
        : base(context, socket)
    {
        _onConnectionClosed = OnConnectionClosed;
    }

    /// <summary>The number of open connections, held ones included; for tests and diagnostics.</summary>
    internal int ConnectionCount => _connections.Count;

    /// <summary>The backends the open connections relay to (null while held); for tests and diagnostics.</summary>
    internal IEnumerable<string?> BackendIds => _connections.Keys.Select(connection => connection.BackendId);

    /// <summary>The clients of the open connections, as <see cref="TcpConnection.ClientEndPoint"/> knows them; for tests and diagnostics.</summary>
    internal IEnumerable<System.Net.IPEndPoint> ClientEndPoints => _connections.Keys.Select(connection => connection.ClientEndPoint);

    /// <summary>Whether an event loop relays each open connection (false while held); for tests and diagnostics.</summary>
    internal IEnumerable<bool> OnEventLoop => _connections.Keys.Select(connection => connection.OnEventLoop);

    protected override IEnumerable<IProxyFlow> Flows => _connections.Keys;

    /// <summary>Binds and starts accepting; a <see cref="SocketException"/> means the port cannot be had.</summary>
    public static TcpPortListener Start(PortContext context)
    {
        var options = context.Options;
        var socket = ListenSockets.Bind(options, context.Port.Port, SocketType.Stream, ProtocolType.Tcp, bound => bound.Listen(options.ListenBacklog));
        var listener = new TcpPortListener(context, socket);
        listener.Run(listener.AcceptLoopAsync);
        if (SweepPeriod(options) is { } period)
        {
            listener.StartSweeps(period);
        }

        return listener;
    }

    /// <summary>A quarter of the shorter timeout (a connection outlives it by at most 25%), at most 30 s; none when both are off.</summary>
    internal static TimeSpan? SweepPeriod(ProxyOptions options)
    {
        var timeouts = new[] { options.IdleTimeout, options.HalfCloseTimeout }.Where(timeout => timeout > TimeSpan.Zero).ToList();
        return timeouts.Count == 0 ? null : TimeSpan.FromTicks(Math.Min(timeouts.Min().Ticks / 4, MaxSweepPeriod.Ticks));
    }

    protected override void Sweep(long now)
    {
        var options = Context.Options;
        var (idle, halfClosed) = (0, 0);
        foreach (var connection in _connections.Keys)
        {
            var reason = connection.CheckTimeouts(now, options.IdleTimeout, options.HalfCloseTimeout);
            if (reason == TimeoutReason.None)
            {
                continue;
            }

            connection.Close();
            if (reason == TimeoutReason.Idle)
            {
                idle++;
            }
            else
            {
                halfClosed++;
            }
        }

        if (idle + halfClosed > 0)
        {
            Context.Counts.TimedOutIdle.Add(idle);
            Context.Counts.TimedOutHalfClose.Add(halfClosed);
            TcpLog.TimedOut(Context.Logger, Port, idle, halfClosed);
        }
    }

    private void OnConnectionClosed(TcpConnection connection)
    {
        if (_connections.TryRemove(connection, out var client))
        {
            // Taken at accept, or (an --accept-proxy name) after the header, by the connection itself.
            (client ?? connection.AccessEntry)?.Release();
        }

        Context.Limits.Connections.Release();
        Context.Counts.ConnectionsActive.Add(-1);
    }

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        var counts = Context.Counts;
        var slots = Context.Limits.Connections;
        var access = Context.Access;
        var acceptProxy = Context.AcceptProxy;
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await Socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException && cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset)
            {
                // The client gave up while in the backlog: nothing to do.
                continue;
            }
            catch (Exception ex)
            {
                // Out of descriptors, for instance. Pause so that a persistent error does not spin a core.
                OnAcceptFailed(ex);
                await Task.Delay(TimeSpan.FromMilliseconds(100), Context.TimeProvider, cancellationToken)
                    .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            // Checked before a slot is taken: a refused client never waits for one, and is closed at once (a reset). An
            // --accept-proxy name's client is known only from its header: its connection checks it then.
            ClientEntry? entry = null;
            if (!access.IsOpen && !acceptProxy && !PortAdmission.Admit(Context, ClientAddress.Of(client), out entry))
            {
                SocketTermination.Reset(client);
                continue;
            }

            try
            {
                // At the limit this waits, and the next clients queue in the kernel's backlog, not accepted.
                await slots.WaitAsync(counts, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                entry?.Release();
                SocketTermination.Reset(client);
                return;
            }

            try
            {
                client.NoDelay = true;
                var connection = new TcpConnection(client, Context, _onConnectionClosed);
                _connections.TryAdd(connection, entry);
                counts.ConnectionsAccepted.Add(1);
                counts.ConnectionsActive.Add(1);
                connection.Start(Closing);
            }
            catch (Exception ex)
            {
                TcpLog.AcceptLoopFailed(Context.Logger, Port, ex);
                slots.Release();
                entry?.Release();
                SocketTermination.Reset(client);
            }
        }
    }

    /// <summary>Counts every failure, logs at most one a second (with how many went unlogged), without a stack trace.</summary>
    private void OnAcceptFailed(Exception exception)
    {
        Context.Counts.AcceptFailures.Add(1);
        var now = Context.TimeProvider.GetTimestamp();
        var last = Volatile.Read(ref _acceptFailureLogged);
        if (last != 0 && Context.TimeProvider.GetElapsedTime(last, now) < AcceptFailureLogInterval)
        {
            _acceptFailuresUnlogged++;
            return;
        }

        Volatile.Write(ref _acceptFailureLogged, now);
        var error = exception is SocketException socketError ? socketError.SocketErrorCode.ToString() : exception.GetType().Name;
        TcpLog.AcceptFailed(Context.Logger, Port, error, exception.Message, _acceptFailuresUnlogged);
        _acceptFailuresUnlogged = 0;
    }
}
