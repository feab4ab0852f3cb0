using System.Net;
using System.Net.Sockets;

namespace GrandAmbassador.Proxy.HostRelay;

/// <summary>
/// The ambassador's end of a plaintext relay (<c>--relay-insecure</c>): a TCP connection per relayed connection, so that
/// bulk data splices as on the direct path. Asks for one container's port and waits for go; a refusal is a failed dial
/// like a refused connect. Over TLS the ambassador uses multiplexed links instead (<see cref="Mux.RelayLinks"/>).
/// </summary>
internal static class RelayConnector
{
    /// <summary>Connects <paramref name="socket"/> (TCP, not yet connected) through the relay at <paramref name="relay"/>.</summary>
    /// <returns>Null when the relay said go; else why not.</returns>
    public static async ValueTask<string?> ConnectAsync(Socket socket, IPEndPoint relay, RelayRequest request, string hostId, CancellationToken cancellationToken)
    {
        await socket.ConnectAsync(relay, cancellationToken).ConfigureAwait(false);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        try
        {
            await stream.WriteAsync(RelayWire.EncodeRequest(request), cancellationToken).ConfigureAwait(false);
            var reply = await RelayWire.ReadReplyAsync(stream, cancellationToken).ConfigureAwait(false);
            return reply.IsGo ? null : $"the relay of host {hostId} refused: {reply.Reason}";
        }
        catch (IOException ex)
        {
            return $"the relay of host {hostId} ended the connection ({(ex.InnerException as SocketException)?.SocketErrorCode.ToString() ?? ex.Message})";
        }
    }
}
