using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GrandAmbassador.Integration.Tests.Harness;

/// <summary>A long-lived client connection through the proxy to an echo target: what a database client holds open.</summary>
internal sealed class EchoConnection : IDisposable
{
    private static readonly TimeSpan IoGuard = TimeSpan.FromSeconds(30);
    private readonly Socket _socket;
    private int _sent;

    private EchoConnection(Socket socket) => _socket = socket;

    /// <summary>Connects and makes one round trip.</summary>
    public static async Task<EchoConnection> OpenAsync(IPEndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using var guard = new CancellationTokenSource(IoGuard);
            await socket.ConnectAsync(endpoint, guard.Token);
            var connection = new EchoConnection(socket);
            await connection.RoundTripAsync();
            return connection;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends a numbered line and reads it back; throws if the connection was closed or reset.</summary>
    public async Task RoundTripAsync()
    {
        using var guard = new CancellationTokenSource(IoGuard);
        var line = Encoding.ASCII.GetBytes($"ping {++_sent}\n");
        await _socket.SendAsync(line, SocketFlags.None, guard.Token);
        var echo = new byte[line.Length];
        var received = 0;
        while (received < echo.Length)
        {
            var read = await _socket.ReceiveAsync(echo.AsMemory(received), SocketFlags.None, guard.Token);
            if (read == 0)
            {
                throw new IOException($"the connection was closed after {received} of {echo.Length} echoed bytes");
            }

            received += read;
        }

        Assert.Equal(line, echo);
    }

    public void Dispose() => _socket.Dispose();
}
