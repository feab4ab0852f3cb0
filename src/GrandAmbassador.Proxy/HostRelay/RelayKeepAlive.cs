using System.Net.Sockets;

namespace GrandAmbassador.Proxy.HostRelay;

/// <summary>
/// TCP keepalive on the connections between ambassadors and relays: a peer host that vanishes without a FIN or a reset
/// (powered off, cut off for good) would otherwise leave the other end's link, and every connection or UDP session
/// relayed on it, open until the operating system gives up on unacknowledged data, or forever when there is none.
/// Generous on purpose (probes after 2 minutes of silence, 6 of them 30 s apart: about 5 minutes): a partition that
/// heals before then cuts nothing, as on a direct connection.
/// </summary>
internal static class RelayKeepAlive
{
    public static void Apply(Socket socket)
    {
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 120);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 30);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 6);
        }
        catch (Exception ex) when (ex is SocketException or PlatformNotSupportedException)
        {
            // A platform without per-socket keepalive settings: the link lives as a direct connection would.
        }
    }
}
