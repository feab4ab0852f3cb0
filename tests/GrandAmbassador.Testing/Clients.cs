using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GrandAmbassador.Testing;

/// <summary>Small real clients, the way a user's program would talk through the ambassador.</summary>
public static class Clients
{
    /// <summary>What busybox httpd answers to a GET of its index page.</summary>
    public const string HttpOk = "HTTP/1.1 200 OK";

    private static readonly TimeSpan IoGuard = TimeSpan.FromSeconds(30);

    /// <summary>GET / over HTTP/1.0 and returns the status line.</summary>
    public static async Task<string> HttpGetStatusAsync(IPEndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var response = await ExchangeAsync(endpoint, "GET / HTTP/1.0\r\n\r\n", halfClose: false, cancellationToken);
        return response.Split("\r\n")[0];
    }

    /// <summary>Sends <paramref name="request"/>, optionally half-closes, and reads until the server closes.</summary>
    public static async Task<string> ExchangeAsync(IPEndPoint endpoint, string request, bool halfClose, CancellationToken cancellationToken = default)
    {
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        guard.CancelAfter(IoGuard);
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint, guard.Token);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, guard.Token);
        if (halfClose)
        {
            socket.Shutdown(SocketShutdown.Send);
        }

        return await ReadToEndAsync(socket, guard.Token);
    }

    public static async Task<string> ReadToEndAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        var text = new StringBuilder();
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken)) > 0)
        {
            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return text.ToString();
    }

    /// <summary>Sends one datagram and waits for one back.</summary>
    public static async Task<byte[]> UdpRoundTripAsync(IPEndPoint endpoint, byte[] payload, TimeSpan timeout)
    {
        using var client = new UdpClient(AddressFamily.InterNetwork);
        client.Client.ReceiveBufferSize = 1 << 20;
        client.Connect(endpoint);
        using var guard = new CancellationTokenSource(timeout);
        await client.SendAsync(payload, guard.Token);
        var reply = await client.ReceiveAsync(guard.Token);
        return reply.Buffer;
    }
}
