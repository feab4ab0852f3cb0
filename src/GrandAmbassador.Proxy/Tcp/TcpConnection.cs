using System.Net.Sockets;
using System.Threading.Tasks.Sources;
using GrandAmbassador.Proxy.Hosting;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tcp.Splice;

namespace GrandAmbassador.Proxy.Tcp;

/// <summary>
/// One accepted client connection, from the wait for a backend to the last byte. <see cref="Completion"/> is
/// its lifetime, as with Kestrel's <c>OnConnectedAsync</c>.
/// </summary>
internal sealed class TcpConnection : IValueTaskSource, IProxyFlow
{
    private static readonly Action<SocketCopier> OnCopyCompletedCallback = OnCopyCompleted;
    private readonly Socket _client;
    private readonly PortContext _context;
    private readonly Action<TcpConnection> _onClosed;
    private Socket? _backend;
    private Destination? _destination;
    // 0 while open; Closing (a FIN both ways) or Resetting (RST) once Close or Abort has been called, the first one wins.
    private const int Closing = 1;
    private const int Resetting = 2;
    private int _aborted;
    private int _relaying;
    private SocketCopier? _upstream;
    private SocketCopier? _downstream;
    private int _upstreamDone;
    private int _downstreamDone;

    // Client bytes a FirstByteGuard relayed before the copy loops started; 0 for names without the option.
    private int _guardedUpstream;

    // Read and written by the timeout sweep only (one pass at a time), never by the relay.
    private long _sweptBytes = -1;
    private long _lastActive;
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

    /// <summary>
    /// Closes both ways with a FIN: each peer reads end-of-stream, and our pending reads return end-of-stream too,
    /// so both directions complete as if the peers had closed. A send still under way fails and resets instead.
    /// </summary>
    public void Close()
    {
        if (Interlocked.CompareExchange(ref _aborted, Closing, 0) == 0)
        {
            SocketTermination.ShutdownBoth(_client);
            SocketTermination.ShutdownBoth(Volatile.Read(ref _backend));
        }
    }

    /// <summary>
    /// Called by the sweep every few seconds: whether the connection outlived the idle or the half-close timeout
    /// (<see cref="TimeSpan.Zero"/> turns one off). Activity is judged from the byte counts the relay keeps anyway,
    /// so the relay itself does nothing for it.
    /// </summary>
    public TimeoutReason CheckTimeouts(long now, TimeSpan idleTimeout, TimeSpan halfCloseTimeout)
    {
        if (Volatile.Read(ref _aborted) != 0 || Volatile.Read(ref _upstream) is not { } upstream || Volatile.Read(ref _downstream) is not { } downstream)
        {
            // Held (the connect wait bounds it), or already closing.
            return TimeoutReason.None;
        }

        var upstreamDone = Volatile.Read(ref _upstreamDone) != 0;
        var downstreamDone = Volatile.Read(ref _downstreamDone) != 0;
        var bytes = upstream.BytesCopied + downstream.BytesCopied;
        var busy = (!upstreamDone && !upstream.IsWaiting) || (!downstreamDone && !downstream.IsWaiting);
        if (busy || bytes != _sweptBytes)
        {
            _sweptBytes = bytes;
            _lastActive = now;
            return TimeoutReason.None;
        }

        var quiet = _context.TimeProvider.GetElapsedTime(_lastActive, now);
        if (halfCloseTimeout > TimeSpan.Zero && upstreamDone != downstreamDone && quiet >= halfCloseTimeout)
        {
            return TimeoutReason.HalfClose;
        }

        return idleTimeout > TimeSpan.Zero && quiet >= idleTimeout ? TimeoutReason.Idle : TimeoutReason.None;
    }

    /// <summary>Closes both ways with RST; the relay loops see their sockets fail and end.</summary>
    public void Abort()
    {
        if (Interlocked.CompareExchange(ref _aborted, Resetting, 0) == 0)
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
            var result = await _context.Dialer.DialAsync(cancellationToken).ConfigureAwait(false);
            if (!result.Connected)
            {
                // An eviction is counted and logged once per episode by the bound, not here per connection.
                if (!result.Evicted)
                {
                    TcpLog.ConnectWaitExpired(logger, port, _context.Options.ConnectWait.TotalSeconds);
                    // Nothing was relayed: an orderly close (FIN), as for a server that had nothing to say.
                    if (Interlocked.CompareExchange(ref _aborted, Closing, 0) == 0)
                    {
                        SocketTermination.Close(_client);
                    }

                    return;
                }

                Abort();
                return;
            }

            if (!TryAdopt(result))
            {
                return;
            }

            TcpLog.Relaying(logger, port, result.Destination.BackendId, result.Address);
            var backend = result.Socket;
            if (_context.RetryBeforeFirstByte)
            {
                await using var guard = new FirstByteGuard(this, _client, _context, cancellationToken);
                var kept = await guard.RunAsync(result).ConfigureAwait(false);
                _guardedUpstream = guard.Forwarded;
                if (kept is null)
                {
                    // An abort on another thread may not have reset both sockets yet; disposing one here first would
                    // send its peer a FIN. The copy loops avoid this by resetting both themselves when they fail.
                    if (Volatile.Read(ref _aborted) == Resetting)
                    {
                        SocketTermination.Reset(_client);
                        SocketTermination.Reset(Volatile.Read(ref _backend));
                    }

                    return;
                }

                backend = kept;
            }

            await RelayAsync(backend).ConfigureAwait(false);
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

    /// <summary>Whether <see cref="Close"/> or <see cref="Abort"/> has been called.</summary>
    internal bool IsAborted => Volatile.Read(ref _aborted) != 0;

    /// <summary>
    /// Makes <paramref name="result"/> the backend this connection relays to, where <see cref="Close"/>,
    /// <see cref="Abort"/> and the listener's sweep find it: the first one dialled, or a replacement
    /// (<see cref="FirstByteGuard"/>). Aborts the connection, and says false, when it was aborted meanwhile or the
    /// current snapshot no longer retains the backend.
    /// </summary>
    internal bool TryAdopt(DialResult result)
    {
        Volatile.Write(ref _backend, result.Socket);

        // Publish the destination before reading the snapshot: either this check sees a newer snapshot, or
        // the listener's sweep after its swap sees our backend. Without the fence both could miss.
        Interlocked.Exchange(ref _destination, result.Destination);
        if (Volatile.Read(ref _aborted) != 0 || !_context.Router.Current.Retains(result.Destination!.BackendId))
        {
            Abort();
            return false;
        }

        return true;
    }

    private ValueTask RelayAsync(Socket backend)
    {
        var options = _context.Options;
        var bufferSize = options.BufferSize;
        var pipeSize = options.Splice && SpliceSupport.IsAvailable ? options.SplicePipeSize : 0;
        _relaying = 2;
        var upstream = new SocketCopier(_client, backend, bufferSize, pipeSize, OnCopyCompletedCallback) { UserToken = this };
        var downstream = new SocketCopier(backend, _client, bufferSize, pipeSize, OnCopyCompletedCallback) { UserToken = this };
        Volatile.Write(ref _upstream, upstream);
        Volatile.Write(ref _downstream, downstream);
        var done = new ValueTask(this, _relayDone.Version);
        upstream.Start();
        downstream.Start();
        return done;
    }

    private static void OnCopyCompleted(SocketCopier copier)
    {
        var connection = (TcpConnection)copier.UserToken!;
        Volatile.Write(ref ReferenceEquals(copier, connection._upstream) ? ref connection._upstreamDone : ref connection._downstreamDone, 1);
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
        var counts = _context.Counts;
        counts.BytesUpstream.Add(upstream.Bytes + _guardedUpstream);
        counts.BytesDownstream.Add(downstream.Bytes);
        if (_upstream.Spliced)
        {
            counts.SplicedUpstream.Add(1);
        }

        if (_downstream.Spliced)
        {
            counts.SplicedDownstream.Add(1);
        }

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
