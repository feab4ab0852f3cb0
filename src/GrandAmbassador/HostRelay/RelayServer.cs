using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using GrandAmbassador.Ambassador;
using GrandAmbassador.Configuration;
using GrandAmbassador.Docker.Watching;
using GrandAmbassador.Proxy.Diagnostics;
using GrandAmbassador.Proxy.Engine;
using GrandAmbassador.Proxy.HostRelay;
using GrandAmbassador.Proxy.Limits;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Udp;
using GrandAmbassador.Security;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.HostRelay;

/// <summary>
/// This host's relay (docs/architecture.md#the-host-relay): accepts connections from other hosts' ambassadors on
/// <c>--relay-port</c>, checks each peer's certificate against the cluster CA (the silo's own check), reads what the
/// connection is for and passes it on to the container, which must be one this host's agent reports
/// (<see cref="RelayAuthorizer"/>). Part of the data plane: relayed connections outlive the silo, as proxied ones do.
/// Each takes a slot of the process-wide connection bound and is counted under the name <c>(relay)</c>. A UDP session is one
/// connection carrying its datagrams framed (<see cref="RelayedDatagrams"/>).
/// </summary>
internal sealed class RelayServer : IAsyncDisposable
{
    /// <summary>How long a peer has for its handshake and request: a peer that sends nothing costs a slot no longer.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<IRelayedFlow, byte> _open = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IPEndPoint _endpoint;
    private readonly ClusterTls? _tls;
    private readonly string _hostId;
    private readonly LocalContainerView _view;
    private readonly ProxyOptions _options;
    private readonly ConnectionSlots _slots;
    private readonly PortCounts _counts;
    private readonly RelayRefusals _refusals;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly LocalNetworks _networks = LocalNetworks.Read();
    private Socket? _listener;
    private Task _accepting = Task.CompletedTask;
    private int _draining;

    public RelayServer(
        AmbassadorSettings settings, LocalContainerView view, ProxyOptions options, ProxyLimits limits, ProxyMetrics metrics, ILoggerFactory loggers, TimeProvider time)
    {
        var relay = settings.HostRelay;
        _endpoint = new IPEndPoint(
            settings.Security.ClusterListenAny ? IPAddress.IPv6Any : IPAddress.Parse(settings.Host.AdvertiseAddress),
            relay.Port);
        _tls = settings.Security.Tls;
        _hostId = settings.Host.HostId;
        _view = view;
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

    /// <summary>Binds the port and starts accepting; a port that cannot be bound is bad input at start-up.</summary>
    public void Start()
    {
        var listener = new Socket(_endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (_endpoint.AddressFamily == AddressFamily.InterNetworkV6 && _endpoint.Address.Equals(IPAddress.IPv6Any))
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

        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await _slots.WaitAsync(_counts, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Socket peer;
            try
            {
                peer = await _listener!.AcceptAsync(token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException || token.IsCancellationRequested)
            {
                _slots.Release();
                return;
            }
            catch (SocketException ex)
            {
                _slots.Release();
                _counts.AcceptFailures.Add(1);
                RelayLog.AcceptFailed(_logger, ex.SocketErrorCode.ToString());
                continue;
            }

            _counts.ConnectionsAccepted.Add(1);
            _counts.ConnectionsActive.Add(1);
            _ = ServeAsync(peer);
        }
    }

    private async Task ServeAsync(Socket peer)
    {
        var remote = peer.RemoteEndPoint;
        SslStream? tls = null;
        Socket? container = null;
        try
        {
            peer.NoDelay = true;
            using var timeout = new CancellationTokenSource(RequestTimeout, _time);
            var network = new NetworkStream(peer, ownsSocket: false);
            Stream stream = network;
            if (_tls is { } clusterTls)
            {
                tls = new SslStream(network, leaveInnerStreamOpen: false);
                if (await AuthenticateAsync(tls, clusterTls, remote, timeout.Token).ConfigureAwait(false) is { } refusal)
                {
                    _refusals.Refused(remote, refusal);
                    return;
                }

                stream = tls;
            }

            var (request, problem) = await RelayWire.ReadRequestAsync(stream, timeout.Token).ConfigureAwait(false);
            if (request is null)
            {
                await RefuseAsync(stream, remote, new RelayReply(RelayVerdict.BadRequest, problem!), timeout.Token).ConfigureAwait(false);
                return;
            }

            if (Volatile.Read(ref _draining) != 0)
            {
                await RefuseAsync(stream, remote, new RelayReply(RelayVerdict.Draining, $"the relay of host {_hostId} is shutting down"), timeout.Token).ConfigureAwait(false);
                return;
            }

            var (addresses, notReported) = RelayAuthorizer.Resolve(request, _view, _hostId, _networks);
            if (notReported is not null)
            {
                await RefuseAsync(stream, remote, new RelayReply(RelayVerdict.NotReported, notReported), timeout.Token).ConfigureAwait(false);
                return;
            }

            (container, var address) = await DialAsync(addresses, request.Protocol == "udp").ConfigureAwait(false);
            if (container is null)
            {
                _counts.ConnectFailures.Add(1);
                var reason = $"no address of container {Short(request.Container)} on host {_hostId} answered on {request.Port}/{request.Protocol}";
                await RefuseAsync(stream, remote, new RelayReply(RelayVerdict.Unreachable, reason), timeout.Token).ConfigureAwait(false);
                return;
            }

            await stream.WriteAsync(RelayWire.EncodeReply(RelayReply.Go), timeout.Token).ConfigureAwait(false);
            RelayLog.Opened(_logger, remote, request.Name, request.Client, Short(request.Container), address!);
            if (request.Protocol == "udp")
            {
                await RelayDatagramsAsync(peer, tls, container).ConfigureAwait(false);
            }
            else
            {
                await RelayConnectionAsync(peer, tls, container).ConfigureAwait(false);
            }
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
            tls?.Dispose();
            peer.Dispose();
            container?.Dispose();
            _counts.ConnectionsActive.Add(-1);
            _slots.Release();
        }
    }

    private async Task RelayConnectionAsync(Socket peer, SslStream? tls, Socket container)
    {
        var relayed = new RelayedConnection(peer, tls, container);
        _open[relayed] = 0;
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

    /// <summary>One UDP session over the link, until either end closes it; the link is disposed with the peer's socket.</summary>
    private async Task RelayDatagramsAsync(Socket peer, SslStream? tls, Socket container)
    {
        using var link = new RelayedDatagramLink(peer, tls);
        var relayed = new RelayedDatagrams(link, container, _counts);
        _open[relayed] = 0;
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
        if (Volatile.Read(ref _draining) != 0 && _open.IsEmpty)
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>The server's half of mutual TLS; null when the peer passed, else why it was refused.</summary>
    private static async Task<string?> AuthenticateAsync(SslStream tls, ClusterTls clusterTls, EndPoint? remote, CancellationToken cancellationToken)
    {
        string? problem = null;
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificate = clusterTls.Certificate,
            ClientCertificateRequired = true,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
            {
                problem = certificate is null
                    ? "it presented no certificate"
                    : CaChainValidator.Check(certificate as X509Certificate2 ?? new X509Certificate2(certificate), chain, clusterTls.Authorities) is { } why
                        ? $"its certificate {certificate.Subject} is {why}"
                        : null;
                return problem is null;
            },
        };
        try
        {
            await tls.AuthenticateAsServerAsync(options, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException)
        {
            return problem ?? "no TLS handshake with a certificate from the cluster CA (a peer without TLS, or without a certificate)";
        }
    }

    private async Task RefuseAsync(Stream stream, EndPoint? remote, RelayReply reply, CancellationToken cancellationToken)
    {
        _refusals.Refused(remote, reply.Reason);
        await stream.WriteAsync(RelayWire.EncodeReply(reply), cancellationToken).ConfigureAwait(false);
        if (stream is SslStream tls)
        {
            await tls.ShutdownAsync().ConfigureAwait(false);
        }
    }

    private async Task<(Socket? Socket, IPEndPoint? Address)> DialAsync(IEnumerable<IPEndPoint> addresses, bool udp)
    {
        foreach (var address in addresses)
        {
            var socket = udp
                ? new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp)
                : new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using var timeout = new CancellationTokenSource(_options.ConnectAttemptTimeout, _time);
            try
            {
                await socket.ConnectAsync(address, timeout.Token).ConfigureAwait(false);
                return (socket, address);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                socket.Dispose();
            }
        }

        return (null, null);
    }

    private static string Short(string id) => id.Length > 12 ? id[..12] : id;
}
