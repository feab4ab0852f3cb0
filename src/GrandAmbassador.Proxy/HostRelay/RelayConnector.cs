using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.Proxy.HostRelay;

/// <summary>
/// The ambassador's end of the host relay: connects to a relay, proves itself with the cluster's certificate (unless the
/// relay is plaintext), asks for one container's port and waits for go. A refusal is a failed dial like a refused
/// connect: the caller tries the next destination, or holds the client.
/// </summary>
internal static class RelayConnector
{
    /// <summary>Connects <paramref name="socket"/> (TCP, not yet connected) through the relay at <paramref name="relay"/>.</summary>
    /// <param name="tls">The cluster's client options; <see langword="null"/> for a plaintext relay.</param>
    /// <returns>The link, or the reason it was refused.</returns>
    public static async ValueTask<(RelayLink? Link, string? Refusal)> ConnectAsync(
        Socket socket, IPEndPoint relay, RelayHop hop, string protocol, IPEndPoint? client, SslClientAuthenticationOptions? tls, CancellationToken cancellationToken)
    {
        await socket.ConnectAsync(relay, cancellationToken).ConfigureAwait(false);
        var network = new NetworkStream(socket, ownsSocket: false);
        SslStream? secure = null;
        Stream stream = network;
        try
        {
            if (tls is not null)
            {
                secure = new SslStream(network, leaveInnerStreamOpen: false);
                await secure.AuthenticateAsClientAsync(tls, cancellationToken).ConfigureAwait(false);
                stream = secure;
            }

            var request = new RelayRequest(hop.Name, hop.ContainerId, hop.ContainerPort, protocol, client?.ToString());
            await stream.WriteAsync(RelayWire.EncodeRequest(request), cancellationToken).ConfigureAwait(false);
            var reply = await RelayWire.ReadReplyAsync(stream, cancellationToken).ConfigureAwait(false);
            if (reply.IsGo)
            {
                return (new RelayLink(socket, secure), null);
            }

            await DisposeAsync(network, secure).ConfigureAwait(false);
            return (null, $"the relay of host {hop.HostId} refused: {reply.Reason}");
        }
        catch (AuthenticationException ex)
        {
            await DisposeAsync(network, secure).ConfigureAwait(false);
            return (null, $"TLS with the relay of host {hop.HostId} failed: {ex.Message}");
        }
        catch (IOException ex) when (ex.InnerException is SocketException socketError)
        {
            await DisposeAsync(network, secure).ConfigureAwait(false);
            return (null, $"the relay of host {hop.HostId} ended the connection ({socketError.SocketErrorCode})");
        }
        catch (IOException ex)
        {
            await DisposeAsync(network, secure).ConfigureAwait(false);
            return (null, $"the relay of host {hop.HostId} ended the connection ({ex.Message})");
        }
        catch
        {
            await DisposeAsync(network, secure).ConfigureAwait(false);
            throw;
        }
    }

    // The socket is the caller's: it disposes it after a refusal, and a link keeps it.
    private static ValueTask DisposeAsync(NetworkStream network, SslStream? secure) =>
        secure is not null ? secure.DisposeAsync() : network.DisposeAsync();
}
