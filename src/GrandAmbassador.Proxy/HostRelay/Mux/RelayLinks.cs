using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace GrandAmbassador.Proxy.HostRelay.Mux;

/// <summary>
/// The ambassador's links to other hosts' relays over TLS: one <see cref="MuxLink"/> per relay address, made on first
/// use and again after it fails, shared by every name and port. Connecting it is the one TLS handshake; a relayed
/// connection then costs a frame each way before its first byte.
/// </summary>
internal sealed class RelayLinks(SslClientAuthenticationOptions tls, TimeSpan connectTimeout) : IAsyncDisposable
{
    private readonly Dictionary<IPEndPoint, Task<MuxLink>> _links = [];
    private readonly object _gate = new();
    private bool _disposed;

    /// <summary>The link to the relay at <paramref name="relay"/>: the live one, or a new one (one connect at a time per relay).</summary>
    public Task<MuxLink> GetAsync(IPEndPoint relay)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_links.TryGetValue(relay, out var existing) && !existing.IsFaulted && !existing.IsCanceled
                && !(existing.IsCompletedSuccessfully && existing.Result.IsClosed))
            {
                return existing;
            }

            var connecting = ConnectAsync(relay);
            _links[relay] = connecting;
            return connecting;
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<Task<MuxLink>> links;
        lock (_gate)
        {
            _disposed = true;
            links = [.. _links.Values];
            _links.Clear();
        }

        foreach (var link in links.Where(link => link.IsCompletedSuccessfully))
        {
            await link.Result.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<MuxLink> ConnectAsync(IPEndPoint relay)
    {
        // Not any one client's token: the link outlives the connection that happened to make it.
        using var timeout = new CancellationTokenSource(connectTimeout);
        var socket = new Socket(relay.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        RelayKeepAlive.Apply(socket);
        SslStream? secure = null;
        try
        {
            await socket.ConnectAsync(relay, timeout.Token).ConfigureAwait(false);
            secure = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
            await secure.AuthenticateAsClientAsync(tls, timeout.Token).ConfigureAwait(false);
            await secure.WriteAsync(MuxLink.Magic.ToArray(), timeout.Token).ConfigureAwait(false);
            var link = new MuxLink(secure, onOpen: null);
            _ = link.RunAsync();
            lock (_gate)
            {
                if (!_disposed)
                {
                    return link;
                }
            }

            // Disposed while this link was being made: nobody else will close it.
            await link.DisposeAsync().ConfigureAwait(false);
            throw new ObjectDisposedException(nameof(RelayLinks));
        }
        catch
        {
            if (secure is not null)
            {
                await secure.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                socket.Dispose();
            }

            throw;
        }
    }
}
