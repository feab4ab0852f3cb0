using System.Net.Sockets;
using System.Threading.Tasks.Sources;
using GrandAmbassador.Proxy.Hosting;
using GrandAmbassador.Proxy.Routing;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Proxy.Tcp;

/// <summary>
/// One accepted client connection, from the wait for a backend to the last byte. <see cref="Completion"/> is
/// its lifetime, as with Kestrel's <c>OnConnectedAsync</c>.
/// </summary>
internal sealed class TcpConnection : IValueTaskSource, IProxyFlow
{
    private static readonly Action<SocketCopier> s_onCopyCompleted = OnCopyCompleted;
    private readonly Socket _client;
    private readonly PortContext _context;
    private readonly Action<TcpConnection> _onClosed;
    private Socket? _backend;
    private Destination? _destination;
    private int _aborted;
    private int _relaying;
    private SocketCopier? _upstream;
    private SocketCopier? _downstream;
    private ManualResetValueTaskSourceCore<bool> _relayDone;

    public TcpConnection(Socket client, PortContext context, Action<TcpConnection> onClosed)
    {
        _client = client;
        _context = context;
        _onClosed = onClosed;
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
        var logger = _context.Logger;
        var port = _context.Port;
        try
        {
            var dialed = await _context.Dialer.DialAsync(cancellationToken).ConfigureAwait(false);
            if (dialed is not { } result)
            {
                TcpLog.ConnectWaitExpired(logger, port, _context.Options.ConnectWait);
                Abort();
                return;
            }

            Volatile.Write(ref _backend, result.Socket);

            // Publish the destination before reading the snapshot: either this check sees a newer snapshot, or
            // the listener's sweep after its swap sees our backend. Without the fence both could miss.
            Interlocked.Exchange(ref _destination, result.Destination);
            if (Volatile.Read(ref _aborted) != 0 || !_context.Router.Current.Retains(result.Destination.BackendId))
            {
                Abort();
                return;
            }

            TcpLog.Relaying(logger, port, result.Destination.BackendId, result.Address);
            await RelayAsync(result.Socket).ConfigureAwait(false);
            Report();
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
            _upstream?.Dispose();
            _downstream?.Dispose();
            _onClosed(this);
        }
    }

    private ValueTask RelayAsync(Socket backend)
    {
        var bufferSize = _context.Options.BufferSize;
        _relaying = 2;
        _upstream = new SocketCopier(_client, backend, bufferSize, s_onCopyCompleted) { UserToken = this };
        _downstream = new SocketCopier(backend, _client, bufferSize, s_onCopyCompleted) { UserToken = this };
        var done = new ValueTask(this, _relayDone.Version);
        _upstream.Start();
        _downstream.Start();
        return done;
    }

    private static void OnCopyCompleted(SocketCopier copier)
    {
        var connection = (TcpConnection)copier.UserToken!;
        if (Interlocked.Decrement(ref connection._relaying) == 0)
        {
            connection._relayDone.SetResult(true);
        }
    }

    void IValueTaskSource.GetResult(short token) => _relayDone.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _relayDone.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _relayDone.OnCompleted(continuation, state, token, flags);

    private void Report()
    {
        var upstream = _upstream!.Result;
        var downstream = _downstream!.Result;
        var metrics = _context.Metrics;
        var tags = _context.Tags;
        metrics.Bytes.Add(upstream.Bytes, tags.Service, tags.Port, tags.Upstream);
        metrics.Bytes.Add(downstream.Bytes, tags.Service, tags.Port, tags.Downstream);

        var logger = _context.Logger;
        var port = _context.Port;
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
