using System.Net;
using System.Net.Sockets;

namespace GrandAmbassador.Proxy.Tests.Support;

/// <summary>Clients that connect from a chosen source address (127.0.0.2, ::1…), to play several client hosts on loopback.</summary>
internal static class SourceAddressClient
{
    public static async Task<Socket> ConnectAsync(IPAddress source, IPEndPoint target)
    {
        var socket = new Socket(source.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(target).WaitAsync(TestTimeouts.Hang);
            return socket;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            // The proxy accepted and reset it before the connect's completion was seen: refused at once. The
            // socket is returned unconnected; sending on it fails and receiving reports it not connected.
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Whether one byte sent comes back (an echo backend through the proxy); false when the proxy closed the client.</summary>
    public static async Task<bool> EchoesAsync(this Socket socket)
    {
        try
        {
            await socket.SendTextAsync("x");
            var buffer = new byte[1];
            return await socket.ReceiveAsync(buffer.AsMemory()).AsTask().WaitAsync(TestTimeouts.Hang) == 1;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Waits for the proxy to close this client without a byte: end-of-stream or a reset.</summary>
    public static async Task AssertClosedWithoutAByteAsync(this Socket socket)
    {
        var buffer = new byte[1];
        try
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory()).AsTask().WaitAsync(TestTimeouts.Hang);
            Assert.Equal(0, read);
        }
        catch (SocketException ex)
        {
            Assert.True(ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.NotConnected, $"{ex.SocketErrorCode}");
        }
    }
}
