using System.Collections.Concurrent;
using System.Net.Sockets;
using GrandAmbassador.Proxy.Hosting;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Proxy.Tcp;

/// <summary>
/// One listening TCP port: accepts, hands each client to a <see cref="TcpConnection"/>, and keeps accepting
/// even with no destination, because held connections are better than refused ones while a container restarts.
/// </summary>
internal sealed class TcpPortListener : PortListener
{
    private readonly ConcurrentDictionary<TcpConnection, byte> _connections = new();
    private readonly Action<TcpConnection> _onConnectionClosed;

    private TcpPortListener(PortContext context, Socket socket)
        : base(context, socket)
    {
        _onConnectionClosed = OnConnectionClosed;
    }

    protected override IEnumerable<IProxyFlow> Flows => _connections.Keys;

    /// <summary>Binds and starts accepting; a <see cref="SocketException"/> means the port cannot be had.</summary>
    public static TcpPortListener Start(PortContext context)
    {
        var options = context.Options;
        var socket = ListenSockets.Bind(options, context.Port.Port, SocketType.Stream, ProtocolType.Tcp, bound => bound.Listen(options.ListenBacklog));
        var listener = new TcpPortListener(context, socket);
        listener.Run(listener.AcceptLoopAsync);
        return listener;
    }

    private void OnConnectionClosed(TcpConnection connection)
    {
        _connections.TryRemove(connection, out _);
        Context.Metrics.ConnectionsActive.Add(-1, Context.Tags.Service, Context.Tags.Port);
    }

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        var metrics = Context.Metrics;
        var tags = Context.Tags;
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
                TcpLog.AcceptFailed(Context.Logger, Port, ex);
                await Task.Delay(TimeSpan.FromMilliseconds(100), Context.TimeProvider, cancellationToken)
                    .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            try
            {
                client.NoDelay = true;
                var connection = new TcpConnection(client, Context, _onConnectionClosed);
                _connections.TryAdd(connection, 0);
                metrics.ConnectionsAccepted.Add(1, tags.Service, tags.Port);
                metrics.ConnectionsActive.Add(1, tags.Service, tags.Port);
                connection.Start(Closing);
            }
            catch (Exception ex)
            {
                TcpLog.AcceptLoopFailed(Context.Logger, Port, ex);
                SocketTermination.Reset(client);
            }
        }
    }
}
