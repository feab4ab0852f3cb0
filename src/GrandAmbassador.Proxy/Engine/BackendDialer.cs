using System.Collections.Immutable;
using System.Net;
using System.Security.Authentication;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using GrandAmbassador.Proxy.HostRelay;
using GrandAmbassador.Proxy.HostRelay.Mux;
using GrandAmbassador.Proxy.Limits;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.EventLoops;

namespace GrandAmbassador.Proxy.Engine;

/// <summary>
/// Finds a backend for one new connection or UDP session: round-robin over the destinations, each address in
/// order, and while none answers, waits for a new snapshot until <see cref="ProxyOptions.ConnectWait"/> ends.
/// The client notices none of this; it only sees a connection that starts later.
/// </summary>
internal sealed class BackendDialer(PortContext context)
{
    private readonly SocketType _socketType = context.Port.Protocol == TransportProtocol.Tcp ? SocketType.Stream : SocketType.Dgram;
    private readonly ProtocolType _protocolType = context.Port.Protocol == TransportProtocol.Tcp ? ProtocolType.Tcp : ProtocolType.Udp;

    // UDP sessions are bounded by their held bytes instead (UdpSession), and per port by the session table.
    private readonly HeldFlows? _heldConnections = context.Port.Protocol == TransportProtocol.Tcp ? context.Limits.HeldConnections : null;

    /// <summary>
    /// Connects, or gives up once the connect wait is over or (TCP) the held connection is evicted to keep the
    /// process-wide bound on held connections.
    /// </summary>
    /// <param name="cancellationToken">Ends the wait (the port closes).</param>
    /// <param name="client">The flow being dialled for: its client is named to a host's relay for its log, read only
    /// for a relay, so that a direct dial pays nothing for it; null where unknown.</param>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<DialResult> DialAsync(CancellationToken cancellationToken, IProxyFlow? client = null)
    {
        var router = context.Router;
        var options = context.Options;
        var timeProvider = context.TimeProvider;
        var started = timeProvider.GetTimestamp();
        HeldFlow? held = null;
        try
        {
            while (true)
            {
                var snapshot = router.Current;
                var destinations = snapshot.Destinations;
                var wait = options.ConnectWait - timeProvider.GetElapsedTime(started);
                if (!destinations.IsEmpty)
                {
                    var start = router.NextStart(destinations.Length);
                    var result = await TryDestinationsAsync(destinations, start, skip: null, client, cancellationToken).ConfigureAwait(false);
                    if (result.Connected)
                    {
                        return result;
                    }

                    // Everything refused: a restarting backend may come back at the same address, so try again
                    // soon even if the host sends nothing new.
                    wait = options.ConnectRetryInterval < wait ? options.ConnectRetryInterval : wait;
                }

                if (wait <= TimeSpan.Zero)
                {
                    return DialResult.WaitExpired;
                }

                // The wait (and its timer) exists before the flow counts as held, so that whoever sees it held can
                // move the clock on. It is cancelled as soon as something else ends it: a flow held across many
                // snapshots would otherwise leave one live timer behind per snapshot until each ran out.
                using (var waitEnded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    var timeout = Task.Delay(wait, timeProvider, waitEnded.Token);
                    held ??= Hold();
                    await Task.WhenAny(snapshot.Replaced, held.Evicted, timeout).ConfigureAwait(false);
                    waitEnded.Cancel();
                }

                cancellationToken.ThrowIfCancellationRequested();
                if (held.IsEvicted)
                {
                    return DialResult.WasEvicted;
                }

                if (timeProvider.GetElapsedTime(started) >= options.ConnectWait && ReferenceEquals(router.Current, snapshot))
                {
                    return DialResult.WaitExpired;
                }
            }
        }
        finally
        {
            if (held is not null)
            {
                _heldConnections?.Leave(held);
                context.Counts.Held.Add(-1);
            }
        }
    }

    /// <summary>
    /// Connects a TCP connection whose backend went away before its first byte to another destination of the current
    /// snapshot, one not in <paramref name="tried"/>, at once or not at all: no holding, since the client is already
    /// waiting, and a replay is worth it only while another destination answers.
    /// </summary>
    /// <returns>The new backend, or a result that is not <see cref="DialResult.Connected"/> when none answered.</returns>
    public ValueTask<DialResult> DialAnotherAsync(IReadOnlyCollection<string> tried, CancellationToken cancellationToken)
    {
        // A random start, not the router's cursor: a retry that moved the cursor on would send the next new
        // connection to the same destination as this one, so a backend that resets every connection would get them all.
        var destinations = context.Router.Current.Destinations;

        // The guard replays onto a plain socket: a destination behind a TLS relay cannot take its place.
        if (context.Options.RelayLinks is not null && destinations.Any(destination => destination.Relay is not null))
        {
            destinations = [.. destinations.Where(destination => destination.Relay is null)];
        }

        return destinations.IsEmpty
            ? ValueTask.FromResult(DialResult.WaitExpired)
            : TryDestinationsAsync(destinations, Random.Shared.Next(destinations.Length), tried, client: null, cancellationToken);
    }

    /// <summary>Each destination from <paramref name="start"/> on (but <paramref name="skip"/>), each address in order, until one connects.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<DialResult> TryDestinationsAsync(
        ImmutableArray<Destination> destinations, int start, IReadOnlyCollection<string>? skip, IProxyFlow? client, CancellationToken cancellationToken)
    {
        for (var i = 0; i < destinations.Length; i++)
        {
            var destination = destinations[(start + i) % destinations.Length];
            if (destination.Addresses.IsDefault || (skip is not null && skip.Contains(destination.BackendId)))
            {
                continue;
            }

            foreach (var address in destination.Addresses)
            {
                if (destination.Relay is { } hop && context.Options.RelayLinks is { } links)
                {
                    if (await TryRelayLinkAsync(links, address, hop, client, cancellationToken).ConfigureAwait(false) is { } relayed)
                    {
                        return new DialResult(null, destination, address, Stream: relayed);
                    }

                    continue;
                }

                if (await TryConnectAsync(address, destination.Relay, client, cancellationToken).ConfigureAwait(false) is { } socket)
                {
                    return new DialResult(socket, destination, address);
                }
            }
        }

        return DialResult.WaitExpired;
    }

    /// <summary>Counts the flow as held and, for TCP, enters it in the process-wide bound (evicting the oldest if full).</summary>
    private HeldFlow Hold()
    {
        var held = new HeldFlow(context.Counts);
        context.Counts.Held.Add(1);
        _heldConnections?.Enter(held);
        return held;
    }

    /// <summary>One connect: to the container's address, or through its host's relay (<paramref name="relay"/>), which must say go.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<Socket?> TryConnectAsync(IPEndPoint address, RelayHop? relay, IProxyFlow? client, CancellationToken cancellationToken)
    {
        Socket socket;
        try
        {
            // A relay's link is TCP whatever it carries: a UDP session's datagrams go framed over it.
            socket = relay is not null
                ? new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
                : new Socket(address.AddressFamily, _socketType, _protocolType);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.TooManyOpenSockets)
        {
            // Out of descriptors (EMFILE/ENFILE): a failed attempt like any other, so the connection is held and
            // dialled again once some are freed, not reset with a stack trace in the log.
            context.Counts.ConnectFailures.Add(1);
            RoutingLog.ConnectFailed(context.Logger, context.Port, address, ex.SocketErrorCode.ToString());
            return null;
        }

        using var timeout = new CancellationTokenSource(context.Options.ConnectAttemptTimeout, context.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            if (socket.SocketType == SocketType.Stream)
            {
                socket.NoDelay = true;
            }

            if (relay is not null)
            {
                RelayKeepAlive.Apply(socket);

                // The relay's connect to the container is part of this attempt, and so within its timeout.
                var refusal = await RelayConnector.ConnectAsync(socket, address, Request(relay, client), relay.HostId, linked.Token).ConfigureAwait(false);
                if (refusal is null)
                {
                    context.RelayHealth.Reached(address);
                    return socket;
                }

                socket.Dispose();
                context.Counts.ConnectFailures.Add(1);
                RoutingLog.RelayRefused(context.Logger, context.Port, address, refusal);
                context.RelayHealth.Failed(address, refusal);
                return null;
            }

            // A datagram socket's connect only sets its peer: nothing to wait for on a loop.
            if (context.Loops is { } loops && socket.SocketType == SocketType.Stream)
            {
                await LoopConnector.ConnectAsync(loops.Next(), socket, address, linked.Token).ConfigureAwait(false);
            }
            else
            {
                await socket.ConnectAsync(address, linked.Token).ConfigureAwait(false);
            }

            return socket;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            context.Counts.ConnectFailures.Add(1);
            RoutingLog.ConnectFailed(context.Logger, context.Port, address, ex is SocketException se ? se.SocketErrorCode.ToString() : "Timeout");
            if (relay is not null)
            {
                // What status and the page say about the relay; a direct destination records nothing.
                context.RelayHealth.Failed(address, ex is SocketException refused
                    ? RelayHealth.Words(refused.SocketErrorCode)
                    : $"no answer within {context.Options.ConnectAttemptTimeout.TotalSeconds:0.#} s");
            }

            return null;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Through a host's relay over TLS: a new stream on the link to it (made, with its one handshake, on first use), which
    /// the relay must answer with go within the attempt's timeout.
    /// </summary>
    private async ValueTask<MuxStream?> TryRelayLinkAsync(RelayLinks links, IPEndPoint address, RelayHop hop, IProxyFlow? client, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(context.Options.ConnectAttemptTimeout, context.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        MuxStream? stream = null;
        MuxLink? link = null;
        var opened = 0L;
        string refusal;
        string? reason = null; // what status says, where shorter than the log's refusal
        try
        {
            link = await links.GetAsync(address).WaitAsync(linked.Token).ConfigureAwait(false);
            opened = Environment.TickCount64;
            stream = link.Open(RelayWire.RequestBody(Request(hop, client)));
            var reply = await stream.Reply.WaitAsync(linked.Token).ConfigureAwait(false);
            if (reply.IsGo)
            {
                context.RelayHealth.Reached(address);
                return stream;
            }

            refusal = $"the relay of host {hop.HostId} refused: {reply.Reason}";
        }
        catch (Exception ex) when (ex is SocketException or IOException or AuthenticationException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            refusal = ex switch
            {
                OperationCanceledException => $"no link to the relay of host {hop.HostId}, or no reply, within {context.Options.ConnectAttemptTimeout.TotalSeconds:0.#} s",
                AuthenticationException => $"TLS with the relay of host {hop.HostId} failed: {ex.Message}",
                SocketException socketError => $"the relay of host {hop.HostId} cannot be reached ({socketError.SocketErrorCode})",
                _ => $"the link to the relay of host {hop.HostId} ended before its reply",
            };
            reason = ex is SocketException unreachable ? RelayHealth.Words(unreachable.SocketErrorCode) : null;

            // No reply, and not a byte on the link since the open: the relay's host is silent (powered off, cut off), and
            // the link is dropped so that the next dial makes a new one rather than waiting on this one again.
            if (ex is OperationCanceledException && stream is not null && link!.LastRead < opened)
            {
                await link.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The port closed while the relay was asked: the stream is given up on both hosts, not left open.
            stream?.Reset();
            throw;
        }

        stream?.Reset();
        context.Counts.ConnectFailures.Add(1);
        RoutingLog.RelayRefused(context.Logger, context.Port, address, refusal);
        context.RelayHealth.Failed(address, reason ?? refusal);
        return null;
    }

    private RelayRequest Request(RelayHop hop, IProxyFlow? client) =>
        new(hop.Name, hop.ContainerId, hop.ContainerPort, _socketType == SocketType.Stream ? "tcp" : "udp", client?.ClientEndPoint?.ToString());
}
