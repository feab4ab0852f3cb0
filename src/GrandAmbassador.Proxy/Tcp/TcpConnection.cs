using System.Net.Sockets;
using System.Runtime.CompilerServices;
using GrandAmbassador.Proxy.Diagnostics;
using GrandAmbassador.Proxy.Routing;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Proxy.Tcp;

/// <summary>
/// One accepted client connection, from the wait for a backend to the last byte. <see cref="Completion"/> is
/// its lifetime, as with Kestrel's <c>OnConnectedAsync</c>.
/// </summary>
internal sealed class TcpConnection
{
    private readonly Socket _client;
    private readonly TcpPortListener _listener;
    private Socket? _backend;
    private Destination? _destination;
    private int _aborted;

    public TcpConnection(Socket client, TcpPortListener listener)
    {
        _client = client;
        _listener = listener;
    }

    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>The backend this connection relays to; <see langword="null"/> while it is held.</summary>
    public string? BackendId => Volatile.Read(ref _destination)?.BackendId;

    public void Start(CancellationToken cancellationToken) => Completion = RunAsync(cancellationToken);

    /// <summary>Closes both ways with RST; the relay loops see their sockets fail and end.</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _aborted, 1) == 0)
        {
            SocketTermination.Reset(_client);
            SocketTermination.Reset(Volatile.Read(ref _backend));
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var logger = _listener.Logger;
        var port = _listener.Port;
        try
        {
            var dialed = await _listener.Dialer.DialAsync(cancellationToken).ConfigureAwait(false);
            if (dialed is not { } result)
            {
                TcpLog.ConnectWaitExpired(logger, port, _listener.ConnectWait);
                Abort();
                return;
            }

            Volatile.Write(ref _backend, result.Socket);

            // Publish the destination before reading the snapshot: either this check sees a newer snapshot, or
            // the listener's sweep after its swap sees our backend. Without the fence both could miss.
            Interlocked.Exchange(ref _destination, result.Destination);
            if (Volatile.Read(ref _aborted) != 0 || !_listener.Router.Current.Retains(result.Destination.BackendId))
            {
                Abort();
                return;
            }

            TcpLog.Relaying(logger, port, result.Destination.BackendId, result.Address);
            await RelayAsync(result.Socket).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The port closed while the connection was held.
            Abort();
        }
        catch (Exception ex)
        {
            TcpLog.ConnectionFailed(logger, port, ex);
            Abort();
        }
        finally
        {
            _client.Dispose();
            _backend?.Dispose();
            _listener.OnConnectionClosed(this);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask RelayAsync(Socket backend)
    {
        var bufferSize = _listener.BufferSize;
        var upstreamTask = SocketCopier.CopyAsync(_client, backend, bufferSize);
        var downstreamTask = SocketCopier.CopyAsync(backend, _client, bufferSize);
        var upstream = await upstreamTask.ConfigureAwait(false);
        var downstream = await downstreamTask.ConfigureAwait(false);

        var metrics = _listener.Metrics;
        var tags = _listener.Tags;
        metrics.Bytes.Add(upstream.Bytes, tags.Service, tags.Port, tags.Upstream);
        metrics.Bytes.Add(downstream.Bytes, tags.Service, tags.Port, tags.Downstream);

        var logger = _listener.Logger;
        var port = _listener.Port;
        if (upstream.Exception is { } upstreamError)
        {
            TcpLog.RelayFailed(logger, port, "upstream", upstreamError);
        }
        else if (downstream.Exception is { } downstreamError)
        {
            TcpLog.RelayFailed(logger, port, "downstream", downstreamError);
        }
        else if (upstream.Error != default || downstream.Error != default)
        {
            // Resets are what peers do; they are worth a trace, not an alarm.
            TcpLog.PeerReset(logger, port, upstream.Status, upstream.Error, downstream.Status, downstream.Error);
        }
        else
        {
            TcpLog.Closed(logger, port, upstream.Bytes, downstream.Bytes);
        }
    }
}
