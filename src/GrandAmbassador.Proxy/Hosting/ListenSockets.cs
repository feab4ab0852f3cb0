using System.Net;
using System.Net.Sockets;

namespace GrandAmbassador.Proxy.Hosting;

/// <summary>Opens the socket a TCP or UDP port listens on, the same way for both.</summary>
internal static class ListenSockets
{
    /// <summary>
    /// A socket bound to <see cref="ProxyOptions.ListenAddress"/>:<paramref name="port"/> (dual-mode on
    /// an IPv6 address, so <c>::</c> also takes IPv4). Throws <see cref="SocketException"/> when
    /// the port cannot be had; nothing is left open then.
    /// </summary>
    public static Socket Bind(ProxyOptions options, int port, SocketType type, ProtocolType protocol, Action<Socket>? afterBind = null)
    {
        var socket = new Socket(options.ListenAddress.AddressFamily, type, protocol);
        try
        {
            if (options.ListenAddress.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = true;
            }

            socket.Bind(new IPEndPoint(options.ListenAddress, port));
            afterBind?.Invoke(socket);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
