using System.Net;
using GrandAmbassador.Proxy.HostRelay.Mux;
using System.Net.Sockets;
using System.Threading.Tasks.Sources;
using GrandAmbassador.Proxy.Engine;
using GrandAmbassador.Proxy.ProxyProtocol;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tcp.Loop;
using GrandAmbassador.Proxy.Tcp.Splice;

namespace GrandAmbassador.Proxy.Tcp;

/// <summary>
/// One accepted client connection, from the wait for a backend to the last byte. <see cref="Completion"/> is
/// its lifetime, as with Kestrel's <c>OnConnectedAsync</c>.
/// </summary>
internal sealed class TcpConnection : IValueTaskSource, IProxyFlow
{
    private static readonly Action<SocketCopier> OnCopyCompletedCallback = OnCopyCompleted;
    private static readonly Action<StreamCopier> OnStreamCopyCompletedCallback = OnCopyCompleted;
    private static readonly Action<IDirectionCopier> OnLoopCopyCompletedCallback = OnCopyCompleted;
    private readonly Socket _client;
    private readonly PortContext _context;
    private readonly Action<TcpConnection> _onClosed;
    private Socket? _backend;
    // A backend behind a host's relay over TLS: a stream of the link to that relay (and no _backend socket); null otherwise.
    private MuxStream? _backendStream;
    private Destination? _destination;
    // 0 while open; Closing (a FIN both ways) or Resetting (RST) once Close or Abort has been called, the first one wins.
    private const int Closing = 1;
    private const int Resetting = 2;
    private int _aborted;
    private int _relaying;
    // The relay on an event loop (ProxyOptions.DataPath), once started; null on the sockets path and while held.
    private LoopRelay? _loopRelay;
    private IDirectionCopier? _upstream;
    private IDirectionCopier? _downstream;
    private int _upstreamDone;
    private int _downstreamDone;

    // Client bytes a FirstByteGuard relayed before the copy loops started; 0 for names without the option.
    private int _guardedUpstream;

    // The PROXY protocol state (the client a header named, the header for backends); null for connections of names
    // and containers without it. Written before the dial (the client's header) or at it, read after.
    private ConnectionAddresses? _addresses;

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

    /// <summary>Whether an event loop relays this connection (<see cref="ProxyOptions.DataPath"/>); false while it is held.</summary>
    public bool OnEventLoop => Volatile.Read(ref _loopRelay) is not null;

    /// <summary>The backend this connection relays to; <see langword="null"/> while it is held.</summary>
    public string? BackendId => Volatile.Read(ref _destination)?.BackendId;

    /// <summary>
    /// The client as this ambassador knows it: the one its PROXY protocol header named, for a name with
    /// <c>--accept-proxy</c> (a balancer in front; a v2 LOCAL health check keeps the socket's peer), else the socket's
    /// peer. Known before the connection is dialled or held: what is logged, what the backend's own PROXY header
    /// names, and what any check on who may connect (allow-lists, per-client limits) should read.
    /// </summary>
    public IPEndPoint ClientEndPoint => _addresses?.Client ?? (IPEndPoint)_client.RemoteEndPoint!;

    /// <summary>The address the client connected to: the balancer's, from the header, or this socket's own.</summary>
    public IPEndPoint LocalEndPoint => _addresses?.Local ?? (IPEndPoint)_client.LocalEndPoint!;

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
            Volatile.Read(ref _backendStream)?.ShutdownBoth();
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
            if (Volatile.Read(ref _loopRelay) is { } loopRelay)
            {
                // The loop resets both sockets on its own thread: disposing them here would close descriptors it uses.
                loopRelay.Abort();
                return;
            }

            SocketTermination.Reset(_client);
            SocketTermination.Reset(Volatile.Read(ref _backend));
            Volatile.Read(ref _backendStream)?.Reset();
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var logger = _context.Logger;
        var port = _context.Port;
        try
        {
            if (_context.AcceptProxy && !await ReadClientHeaderAsync(cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            // ClientEndPoint is the real client from here on: an --accept-proxy name's access is judged here, before the
            // dial (other names' at accept, before a slot is taken: TcpPortListener).
            if (_context.AcceptProxy && !_context.Access.IsOpen && !AdmitRealClient())
            {
                return;
            }

            var result = await _context.Dialer.DialAsync(cancellationToken, this).ConfigureAwait(false);
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
            if (!await SendProxyHeaderAsync(result.Socket, result.Destination, result.Stream).ConfigureAwait(false))
            {
                Abort();
                return;
            }

            var backend = result.Socket;
            // The guard replays onto plain sockets; a backend behind a TLS relay has already answered its relay's connect.
            if (_context.RetryBeforeFirstByte && backend is not null)
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

            await RelayAsync(backend, result.Stream).ConfigureAwait(false);
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
            _backendStream?.Dispose();
            _backend?.Dispose();
            _upstream?.Dispose();
            _downstream?.Dispose();
            _onClosed(this);
        }
    }

    /// <summary>
    /// Sends <paramref name="backend"/> the PROXY header when the name (or else the destination's container) asks for
    /// one, before any client byte; says false when the send failed. A replacement backend (<see cref="FirstByteGuard"/>)
    /// is sent it again. Names without it pay two field reads.
    /// </summary>
    internal ValueTask<bool> SendProxyHeaderAsync(Socket? backend, Destination destination, MuxStream? relayed = null)
    {
        var version = _context.ProxyProtocol != ProxyProtocolVersion.None ? _context.ProxyProtocol : destination.ProxyProtocol;
        return version == ProxyProtocolVersion.None ? new(true) : SendHeaderAsync(backend, relayed, destination, version);
    }

    private async ValueTask<bool> SendHeaderAsync(Socket? backend, MuxStream? relayed, Destination destination, ProxyProtocolVersion version)
    {
        // Destinations of one name may differ by label; the header is built once per version (in practice once).
        var addresses = _addresses ??= new ConnectionAddresses();
        if (addresses.BackendHeader is not { } built || (built[0] == (byte)'P') != (version == ProxyProtocolVersion.V1))
        {
            addresses.BackendHeader = ProxyHeaderWriter.Create(version, ClientEndPoint, LocalEndPoint);
        }

        try
        {
            var header = addresses.BackendHeader.AsMemory();
            if (relayed is not null)
            {
                await relayed.WriteAsync(header).ConfigureAwait(false);
                return true;
            }

            while (!header.IsEmpty)
            {
                header = header[await backend!.SendAsync(header, SocketFlags.None).ConfigureAwait(false)..];
            }

            return true;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException)
        {
            ProxyProtocolLog.HeaderSendFailed(_context.Logger, _context.Port, destination.BackendId);
            return false;
        }
    }

    /// <summary>The per-client entry an --accept-proxy connection was admitted with (after its header), if any.</summary>
    internal Access.ClientEntry? AccessEntry => _addresses?.AccessEntry;

    /// <summary>The access check on the client the header named; a refused one is reset at once, as at accept.</summary>
    private bool AdmitRealClient()
    {
        if (PortAdmission.Admit(_context, Access.ClientAddress.Normalize(ClientEndPoint.Address), out var entry))
        {
            if (entry is not null)
            {
                (_addresses ??= new ConnectionAddresses()).AccessEntry = entry;
            }

            return true;
        }

        if (Interlocked.CompareExchange(ref _aborted, Resetting, 0) == 0)
        {
            SocketTermination.Reset(_client);
        }

        return false;
    }

    /// <summary>
    /// For a name with <c>--accept-proxy</c>: reads the client's PROXY header, within the timeout and the size cap,
    /// before anything else. A connection without a valid one is counted, logged (rate-limited) and closed; nothing
    /// of it is forwarded. Says whether the connection goes on.
    /// </summary>
    private async ValueTask<bool> ReadClientHeaderAsync(CancellationToken cancellationToken)
    {
        var options = _context.Options;
        using var timeout = new CancellationTokenSource(options.AcceptProxyTimeout, _context.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        ProxyHeaderOutcome outcome;
        ProxyHeader header;
        try
        {
            (outcome, header) = await ProxyHeaderReader.ReadAsync(_client, options.AcceptProxyMaxHeader, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            (outcome, header) = (ProxyHeaderOutcome.TimedOut, default);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The client reset, or an abort (the port closing, a drain's deadline) disposed the socket.
            (outcome, header) = (ProxyHeaderOutcome.Ended, default);
        }

        if (outcome == ProxyHeaderOutcome.Read)
        {
            if (header.HasAddresses)
            {
                _addresses = new ConnectionAddresses { Client = header.Source, Local = header.Destination };
                ProxyProtocolLog.ClientFromHeader(_context.Logger, _context.Port, header.Source, _client.RemoteEndPoint);
            }

            return true;
        }

        if (IsAborted)
        {
            // A drain or the port's close ended the wait, not the client: nothing to count or warn about.
            return false;
        }

        _context.ProxyHeaderRefusals!.Refused(outcome, _client.RemoteEndPoint);
        if (Interlocked.CompareExchange(ref _aborted, Closing, 0) == 0)
        {
            SocketTermination.Close(_client);
        }

        return false;
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
        Volatile.Write(ref _backendStream, result.Stream);

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

    private ValueTask RelayAsync(Socket? backend, MuxStream? relayed)
    {
        var options = _context.Options;
        var bufferSize = options.BufferSize;
        var pipeSize = options.Splice && SpliceSupport.IsAvailable ? options.SplicePipeSize : 0;
        _relaying = 2;
        IDirectionCopier upstream, downstream;
        if (relayed is null && _context.Loops is { } loops)
        {
            var loopRelay = LoopRelay.Create(loops.Next(), _client, backend!, pipeSize, OnLoopCopyCompletedCallback);
            loopRelay.Upstream.UserToken = this;
            loopRelay.Downstream.UserToken = this;
            (upstream, downstream) = (loopRelay.Upstream, loopRelay.Downstream);

            // Published with a full fence before _aborted is read, as Abort sets _aborted before it reads this: either
            // Abort sees the relay (and posts its abort to the loop), or this sees the abort below. Were both missed,
            // Abort would dispose the sockets while the loop holds them, and spin until the loop let go.
            Interlocked.Exchange(ref _loopRelay, loopRelay);
        }
        else if (relayed is not null)
        {
            var client = CopyEnd.Of(_client);
            var link = CopyEnd.Of(relayed);
            upstream = new StreamCopier(client, link, bufferSize, OnStreamCopyCompletedCallback) { UserToken = this };
            downstream = new StreamCopier(link, client, bufferSize, OnStreamCopyCompletedCallback) { UserToken = this };
        }
        else
        {
            upstream = new SocketCopier(_client, backend!, bufferSize, pipeSize, OnCopyCompletedCallback) { UserToken = this };
            downstream = new SocketCopier(backend!, _client, bufferSize, pipeSize, OnCopyCompletedCallback) { UserToken = this };
        }

        Volatile.Write(ref _upstream, upstream);
        Volatile.Write(ref _downstream, downstream);
        var done = new ValueTask(this, _relayDone.Version);
        if (Volatile.Read(ref _loopRelay) is { } relay)
        {
            // Aborted meanwhile by a caller that may not have seen the relay: the loop ends it without registering it. (A
            // Close meanwhile only shut the sockets down, which the relay reads as ends of stream once registered.)
            if (Volatile.Read(ref _aborted) == Resetting)
            {
                relay.Abort();
            }
            else
            {
                relay.Start();
            }
        }
        else
        {
            upstream.Start();
            downstream.Start();
        }

        return done;
    }

    private static void OnCopyCompleted(IDirectionCopier copier)
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
