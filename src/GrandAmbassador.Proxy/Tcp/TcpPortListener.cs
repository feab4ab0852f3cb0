using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using GrandAmbassador.Proxy.Diagnostics;
using GrandAmbassador.Proxy.Hosting;
using GrandAmbassador.Proxy.Routing;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Proxy.Tcp;

/// <summary>
/// One listening TCP port: accepts, hands each client to a <see cref="TcpConnection"/>, and keeps accepting
/// even with no destination, because held connections are better than refused ones while a container restarts.
/// </summary>
internal sealed class TcpPortListener : IPortListener
{
    private readonly Socket _socket;
    private readonly TimeProvider _timeProvider;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ConcurrentDictionary<TcpConnection, byte> _connections = new();
    private Task _acceptLoop = Task.CompletedTask;

    private TcpPortListener(ListenPort port, Socket socket, RouteSnapshot snapshot, ProxyOptions options, TimeProvider timeProvider, ProxyMetrics metrics, PortTags tags, ILogger logger)
    {
        Port = port;
        _socket = socket;
        _timeProvider = timeProvider;
        Router = new PortRouter(snapshot);
        Metrics = metrics;
        Tags = tags;
        Logger = logger;
        BufferSize = options.BufferSize;
        ConnectWait = options.ConnectWait;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        Dialer = new BackendDialer(port, Router, options, timeProvider, metrics, tags, logger);
    }

    public ListenPort Port { get; }

    public IPEndPoint LocalEndPoint { get; }

    internal PortRouter Router { get; }

    internal BackendDialer Dialer { get; }

    internal ProxyMetrics Metrics { get; }

    internal PortTags Tags { get; }

    internal ILogger Logger { get; }

    internal int BufferSize { get; }

    internal TimeSpan ConnectWait { get; }

    /// <summary>Binds and starts accepting; a <see cref="SocketException"/> means the port cannot be had.</summary>
    public static TcpPortListener Start(ListenPort port, RouteSnapshot snapshot, ProxyOptions options, TimeProvider timeProvider, ProxyMetrics metrics, PortTags tags, ILogger logger)
    {
        var socket = ListenSockets.Bind(options, port.Port, SocketType.Stream, ProtocolType.Tcp, bound => bound.Listen(options.ListenBacklog));

        var listener = new TcpPortListener(port, socket, snapshot, options, timeProvider, metrics, tags, logger);
        listener._acceptLoop = listener.AcceptLoopAsync();
        TcpLog.Listening(logger, port, listener.LocalEndPoint);
        return listener;
    }

    public void Apply(RouteSnapshot snapshot)
    {
        Router.Update(snapshot);
        var closed = snapshot.CloseNotRetained(_connections.Keys, connection => connection.BackendId, connection => connection.Abort());
        if (closed > 0)
        {
            TcpLog.ClosingNotRetained(Logger, Port, closed);
        }
    }

    internal void OnConnectionClosed(TcpConnection connection)
    {
        _connections.TryRemove(connection, out _);
        Metrics.ConnectionsActive.Add(-1, Tags.Service, Tags.Port);
    }

    public async ValueTask DisposeAsync()
    {
        if (_shutdown.IsCancellationRequested)
        {
            return;
        }

        _shutdown.Cancel();
        _socket.Dispose();
        await _acceptLoop.ConfigureAwait(false);

        // The accept loop has ended, so the set can only shrink from here.
        await OpenFlows.CloseAllAsync(_connections.Keys, connection => connection.Abort(), connection => connection.Completion).ConfigureAwait(false);
        Router.Update(RouteSnapshot.Empty);
        _shutdown.Dispose();
        TcpLog.StoppedListening(Logger, Port);
    }

    private async Task AcceptLoopAsync()
    {
        var cancellationToken = _shutdown.Token;
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
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
                TcpLog.AcceptFailed(Logger, Port, ex);
                await Task.Delay(TimeSpan.FromMilliseconds(100), _timeProvider, cancellationToken)
                    .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            try
            {
                client.NoDelay = true;
                var connection = new TcpConnection(client, this);
                _connections.TryAdd(connection, 0);
                Metrics.ConnectionsAccepted.Add(1, Tags.Service, Tags.Port);
                Metrics.ConnectionsActive.Add(1, Tags.Service, Tags.Port);
                connection.Start(cancellationToken);
            }
            catch (Exception ex)
            {
                TcpLog.AcceptLoopFailed(Logger, Port, ex);
                SocketTermination.Reset(client);
            }
        }
    }
}
