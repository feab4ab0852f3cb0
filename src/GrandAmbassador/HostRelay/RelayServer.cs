using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using GrandAmbassador.Configuration;
using GrandAmbassador.Docker.Watching;
using GrandAmbassador.Proxy.Diagnostics;
using GrandAmbassador.Proxy.Engine;
using GrandAmbassador.Proxy.HostRelay;
using GrandAmbassador.Proxy.HostRelay.Mux;
using GrandAmbassador.Proxy.Limits;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tcp;
using GrandAmbassador.Proxy.Udp;
using GrandAmbassador.Security;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.HostRelay;

/// <summary>
/// This host's relay (docs/architecture.md#the-host-relay): accepts connections from other hosts' ambassadors on
/// <c>--relay-port</c>, checks each peer's certificate against the cluster CA (the silo's own check), and passes each
/// relayed connection on to the container it asks for, which must be one this host's agent reports
/// (<see cref="RelayTargets"/>). With TLS a peer opens one multiplexed link (<see cref="MuxLink"/>) and relays many
/// connections over it; a plaintext peer opens a TCP connection per relayed connection, which splices like the proxy.
/// Part of the data plane: relayed connections outlive the silo, as proxied ones do. Each relayed connection takes a
/// slot of the process-wide connection bound and is counted under the name <c>(relay)</c>; a UDP session is one such
/// connection, carrying its datagrams framed (<see cref="RelayedDatagrams"/>).
/// </summary>
internal sealed class RelayServer : IAsyncDisposable
{
    /// <summary>How long a peer has for its handshake and first request: a peer that sends nothing costs a slot no longer.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<IRelayedFlow, byte> _open = new();
    private readonly ConcurrentDictionary<MuxLink, byte> _links = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IPEndPoint _endpoint;
    private readonly RelayTls? _tls;
    private readonly RelayTargets _targets;
    private readonly ProxyOptions _options;
    private readonly ConnectionSlots _slots;
    private readonly PortCounts _counts;
    private readonly RelayRefusals _refusals;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private Socket? _listener;
    private Task _accepting = Task.CompletedTask;
    private int _draining;
    // Set once the drain's deadline has closed the open flows: a flow that starts later is closed as it starts.
    private int _closingOpen;

    public RelayServer(
        AmbassadorSettings settings, LocalContainerView view, ProxyOptions options, ProxyLimits limits, ProxyMetrics metrics, ILoggerFactory loggers, TimeProvider time)
    {
        var relay = settings.HostRelay;
        _endpoint = new IPEndPoint(
            settings.Security.ClusterListenAny ? IPAddress.IPv6Any : IPAddress.Parse(settings.Host.AdvertiseAddress),
            relay.Port);
        _tls = settings.Security.Tls is { } clusterTls ? new RelayTls(clusterTls, time) : null;
        _targets = new RelayTargets(view, settings.Host.HostId, options.ConnectAttemptTimeout, time);
        _options = options;
        _slots = limits.Connections;
        _counts = metrics.Track("(relay)", new ListenPort(relay.Port, TransportProtocol.Tcp));
        _logger = loggers.CreateLogger("GrandAmbassador.HostRelay");
        _refusals = new RelayRefusals(_logger, time);
        _time = time;
    }

    /// <summary>Refusals so far (logged once per peer and reason).</summary>
    public long Refusals => _refusals.Count;

    /// <summary>Connections being relayed now.</summary>
    public int Open => _open.Count;

    private bool Draining => Volatile.Read(ref _draining) != 0;

    /// <summary>Binds the port and starts accepting; a port that cannot be bound is bad input at start-up.</summary>
    public void Start()
    {
        var listener = new Socket(_endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (_endpoint.Address.Equals(IPAddress.IPv6Any))
            {
                listener.DualMode = true;
            }

            listener.Bind(_endpoint);
            listener.Listen(_options.ListenBacklog);
        }
        catch (SocketException ex)
        {
            listener.Dispose();
            throw new InvalidSettingException(ex.SocketErrorCode == SocketError.AddressAlreadyInUse
                ? $"--relay-port {_endpoint.Port}: {_endpoint} is taken by another process"
                : $"--relay-port {_endpoint.Port}: cannot listen on {_endpoint} ({ex.SocketErrorCode})");
        }

        _listener = listener;
        RelayLog.Listening(_logger, listener.LocalEndPoint!, _tls is null ? "plaintext: --relay-insecure" : "mutual TLS, cluster CA");
        _accepting = Task.Run(AcceptLoopAsync);
    }

    /// <summary>SIGTERM: no new connections; open ones go on for up to the drain time, then get a FIN.</summary>
    public async Task DrainAsync()
    {
        if (Interlocked.Exchange(ref _draining, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        await _accepting.ConfigureAwait(false);
        RelayLog.Draining(_logger, _open.Count, _options.DrainTimeout.TotalSeconds);
        if (!_open.IsEmpty)
        {
            await Task.WhenAny(_drained.Task, Task.Delay(_options.DrainTimeout, _time)).ConfigureAwait(false);
        }

        Volatile.Write(ref _closingOpen, 1);
        foreach (var connection in _open.Keys)
        {
            connection.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DrainAsync().ConfigureAwait(false);
        foreach (var connection in _open.Keys)
        {
            connection.Abort();
        }

        foreach (var link in _links.Keys)
        {
            await link.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            Socket peer;
            try
            {
                peer = await _listener!.AcceptAsync(token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException || token.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex)
            {
                _counts.AcceptFailures.Add(1);
                RelayLog.AcceptFailed(_logger, ex.SocketErrorCode.ToString());
                continue;
            }

            _ = ServeAsync(peer);
        }
    }

    /// <summary>One peer's connection: its handshake, then one relayed connection, or a multiplexed link of many.</summary>
    private async Task ServeAsync(Socket peer)
    {
        var remote = peer.RemoteEndPoint;
        Stream stream = new NetworkStream(peer, ownsSocket: false);
        var multiplexed = false;
        try
        {
            peer.NoDelay = true;
            RelayKeepAlive.Apply(peer);
            using var timeout = new CancellationTokenSource(RequestTimeout, _time);
            if (_tls is { } relayTls)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = tls;
                if (await AuthenticateAsync(tls, relayTls, timeout.Token).ConfigureAwait(false) is { } refusal)
                {
                    _refusals.Refused(remote, refusal);
                    return;
                }
            }

            var magic = await RelayWire.ReadMagicAsync(stream, timeout.Token).ConfigureAwait(false);
            if (magic is not null && magic.AsSpan().SequenceEqual(MuxLink.Magic) && _tls is not null)
            {
                multiplexed = true;
                await ServeLinkAsync(stream, remote).ConfigureAwait(false);
                return;
            }

            if (magic is null || !magic.AsSpan().SequenceEqual(RelayWire.Magic))
            {
                _refusals.Refused(remote, "it does not speak the relay protocol");
                return;
            }

            var (request, problem) = await RelayWire.ReadRequestAsync(stream, timeout.Token).ConfigureAwait(false);
            if (request is null)
            {
                _refusals.Refused(remote, problem!);
                await stream.WriteAsync(RelayWire.EncodeReply(new RelayReply(RelayVerdict.BadRequest, problem!)), timeout.Token).ConfigureAwait(false);
                return;
            }

            await RelayOneAsync(request, remote, new CopyEnd(stream, peer), CancellationToken.None, async reply =>
                await stream.WriteAsync(RelayWire.EncodeReply(reply), timeout.Token).ConfigureAwait(false)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException or AuthenticationException)
        {
            // A peer that went quiet past the request timeout, or reset: nothing was relayed yet, or the copy has ended.
        }
        catch (Exception ex)
        {
            RelayLog.ConnectionFailed(_logger, remote, ex);
        }
        finally
        {
            if (!multiplexed)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }

            peer.Dispose();
        }
    }

    /// <summary>A multiplexed link: each stream it opens is one relayed connection, served like a single one.</summary>
    private async Task ServeLinkAsync(Stream transport, EndPoint? remote)
    {
        var link = new MuxLink(transport, (opened, stream, body) => _ = ServeStreamAsync(stream, body, remote));
        _links[link] = 0;
        try
        {
            await link.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            _links.TryRemove(link, out _);
            await link.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task ServeStreamAsync(MuxStream stream, ReadOnlyMemory<byte> body, EndPoint? remote)
    {
        try
        {
            var (request, problem) = RelayWire.ParseRequest(body.Span);
            if (request is null)
            {
                _refusals.Refused(remote, problem!);
                stream.SendReply(new RelayReply(RelayVerdict.BadRequest, problem!));
                stream.Reset();
                return;
            }

            await RelayOneAsync(request, remote, CopyEnd.Of(stream), stream.Abandoned, reply =>
            {
                stream.SendReply(reply);
                return Task.CompletedTask;
            }).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The link failed under the stream (it was reset with it), or the relay stopped while it waited for a slot.
        }
        catch (Exception ex)
        {
            RelayLog.ConnectionFailed(_logger, remote, ex);
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One relayed connection, on whichever link: a slot, the container's socket (or a refusal, said to the peer and logged
    /// once), go, then both directions copied until each ends.
    /// </summary>
    /// <param name="abandoned">Cancelled when the ambassador gives the stream up (a reset, a failed link): the slot and the
    /// container are then neither waited for nor kept, and a relayed connection is reset at once on its container's side.</param>
    private async Task RelayOneAsync(RelayRequest request, EndPoint? remote, CopyEnd peer, CancellationToken abandoned, Func<RelayReply, Task> reply)
    {
        using (var waiting = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, abandoned))
        {
            await _slots.WaitAsync(_counts, waiting.Token).ConfigureAwait(false);
        }

        _counts.ConnectionsAccepted.Add(1);
        _counts.ConnectionsActive.Add(1);
        Socket? container = null;
        try
        {
            (container, var address, var verdict) = await _targets.ConnectAsync(request, Draining, abandoned).ConfigureAwait(false);
            if (container is null)
            {
                _counts.ConnectFailures.Add(1);
                _refusals.Refused(remote, verdict.Reason);
                await reply(verdict).ConfigureAwait(false);
                return;
            }

            await reply(RelayReply.Go).ConfigureAwait(false);
            RelayLog.Opened(_logger, remote, request.Name, request.Client, request.ShortContainer, address!);
            if (request.Protocol == "udp")
            {
                await RelayDatagramsAsync(peer, container, abandoned).ConfigureAwait(false);
            }
            else
            {
                await RelayConnectionAsync(peer, container, abandoned).ConfigureAwait(false);
            }
        }
        finally
        {
            container?.Dispose();
            _counts.ConnectionsActive.Add(-1);
            _slots.Release();
        }
    }

    /// <summary>Counts a flow as open, where the drain finds it; one that starts after the drain's deadline is closed at once.</summary>
    private void Track(IRelayedFlow flow)
    {
        _open[flow] = 0;
        if (Volatile.Read(ref _closingOpen) != 0)
        {
            flow.Close();
        }
    }

    private async Task RelayConnectionAsync(CopyEnd peer, Socket container, CancellationToken abandoned)
    {
        var relayed = new RelayedConnection(peer, CopyEnd.Of(container));
        Track(relayed);
        // The ambassador's reset (or a failed link) reaches the container even while nothing is read from the stream.
        using var reset = abandoned.Register(static flow => ((IRelayedFlow)flow!).Abort(), relayed);
        try
        {
            var pipeSize = _options.Splice && Proxy.Tcp.Splice.SpliceSupport.IsAvailable ? _options.SplicePipeSize : 0;
            await relayed.RunAsync(_options.BufferSize, pipeSize).ConfigureAwait(false);
        }
        finally
        {
            Ended(relayed);
            _counts.BytesUpstream.Add(relayed.BytesToContainer);
            _counts.BytesDownstream.Add(relayed.BytesFromContainer);
        }
    }

    /// <summary>One UDP session over the peer's link, until either end ends it; the link is disposed with it.</summary>
    private async Task RelayDatagramsAsync(CopyEnd peer, Socket container, CancellationToken abandoned)
    {
        using var link = new RelayedDatagramLink(peer);
        var relayed = new RelayedDatagrams(link, container, _counts);
        Track(relayed);
        using var reset = abandoned.Register(static flow => ((IRelayedFlow)flow!).Abort(), relayed);
        try
        {
            await relayed.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            Ended(relayed);
            _counts.BytesUpstream.Add(relayed.BytesToContainer);
            _counts.BytesDownstream.Add(relayed.BytesFromContainer);
        }
    }

    private void Ended(IRelayedFlow relayed)
    {
        _open.TryRemove(relayed, out _);
        if (Draining && _open.IsEmpty)
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>The server's half of mutual TLS; null when the peer passed, else why it was refused.</summary>
    private static async Task<string?> AuthenticateAsync(SslStream tls, RelayTls relayTls, CancellationToken cancellationToken)
    {
        string? problem = null;
        try
        {
            await tls.AuthenticateAsServerAsync(relayTls.Server(why => problem = why), cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException)
        {
            return problem ?? "no TLS handshake with a certificate from the cluster CA (a peer without TLS, or without a certificate)";
        }
    }
}
