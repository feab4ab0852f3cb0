using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GrandAmbassador.Proxy.Tests.Support;

internal static class SocketTestExtensions
{
    public static async Task<Socket> ConnectTcpAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(endPoint).WaitAsync(TestTimeouts.Hang);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static Task<Socket> ConnectTcpAsync(int port) => ConnectTcpAsync(new IPEndPoint(IPAddress.Loopback, port));

    public static async Task SendTextAsync(this Socket socket, string text) => await socket.SendAsync(Encoding.ASCII.GetBytes(text));

    /// <summary>Reads exactly <paramref name="count"/> bytes, failing on a premature EOF.</summary>
    public static async Task<byte[]> ReceiveExactlyAsync(this Socket socket, int count)
    {
        var buffer = new byte[count];
        var received = 0;
        while (received < count)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(received)).AsTask().WaitAsync(TestTimeouts.Hang);
            if (read == 0)
            {
                throw new EndOfStreamException($"EOF after {received} of {count} bytes.");
            }

            received += read;
        }

        return buffer;
    }

    public static async Task<string> ReceiveTextAsync(this Socket socket, int count) =>
        Encoding.ASCII.GetString(await socket.ReceiveExactlyAsync(count));

    /// <summary>Reads a newline-terminated line, byte by byte; for short greetings only.</summary>
    public static async Task<string> ReceiveLineAsync(this Socket socket)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            var read = await socket.ReceiveAsync(one.AsMemory()).AsTask().WaitAsync(TestTimeouts.Hang);
            if (read == 0 || one[0] == '\n')
            {
                return line.ToString();
            }

            line.Append((char)one[0]);
        }
    }

    /// <summary>Reads everything until EOF.</summary>
    public static async Task<string> ReceiveToEndAsync(this Socket socket)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        int read;
        while ((read = await socket.ReceiveAsync(buffer.AsMemory()).AsTask().WaitAsync(TestTimeouts.Hang)) > 0)
        {
            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return text.ToString();
    }

    /// <summary>Reads (and discards) until the peer closes, and says how it closed; a hang fails the test.</summary>
    public static async Task<PeerClose> ReceiveCloseAsync(this Socket socket)
    {
        var buffer = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(buffer.AsMemory()).AsTask().WaitAsync(TestTimeouts.Hang) > 0)
            {
            }

            return PeerClose.Fin;
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            return PeerClose.Reset;
        }
    }

    public static void ResetOnClose(this Socket socket) => socket.LingerState = new LingerOption(true, 0);
}
