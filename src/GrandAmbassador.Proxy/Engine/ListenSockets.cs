using System.Net;
using System.Net.Sockets;
using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.Proxy.Engine;

/// <summary>Opens the socket a TCP or UDP port listens on, the same way for both.</summary>
internal static class ListenSockets
{
    /// <summary>
    /// A socket bound to <see cref="ProxyOptions.ListenAddress"/>:<paramref name="port"/> (dual-mode on
    /// an IPv6 address, so <c>::</c> also takes IPv4). Throws <see cref="SocketException"/> when
    /// the port cannot be had; nothing is left open then. A socket bound earlier for the same port
    /// (<see cref="ProxyOptions.Prebound"/>) is taken over instead, with the clients already in its backlog.
    /// </summary>
    public static Socket Bind(ProxyOptions options, int port, SocketType type, ProtocolType protocol, Action<Socket>? afterBind = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var transport = protocol == ProtocolType.Udp ? TransportProtocol.Udp : TransportProtocol.Tcp;
        return port != 0 && options.Prebound.Take(new ListenPort(port, transport)) is { } prebound
            ? prebound
            : BindNew(options, port, type, protocol, afterBind);
    }

    /// <summary>A new socket bound as <see cref="Bind"/> describes, never a prebound one.</summary>
    internal static Socket BindNew(ProxyOptions options, int port, SocketType type, ProtocolType protocol, Action<Socket>? afterBind = null)
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
