using System.Net;
using System.Net.Sockets;

namespace GrandAmbassador.Proxy.Tests.Support;

/// <summary>
/// A TCP client bound to a loopback address other than 127.0.0.1 (Linux routes all of 127/8 to lo), so that the
/// address a backend is told about cannot be mistaken for the proxy's own.
/// </summary>
internal static class LoopbackClient
{
    public static async Task<Socket> ConnectAsync(string from, int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Parse(from), 0));
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).WaitAsync(TestTimeouts.Hang);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
