using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.Proxy.Engine;

/// <summary>
/// Listening sockets this process was started with, passed the way systemd's socket activation passes
/// them (<c>LISTEN_FDS</c> descriptors from 3, <c>LISTEN_PID</c> this process): by the image's entry point
/// <c>ga-prebind</c>, which binds the fronted containers' ports before the runtime has started, or by a
/// systemd socket unit. Only a socket the proxy would have bound itself is kept (see <see cref="PortOf"/>).
/// </summary>
internal static class InheritedListenSockets
{
    /// <summary>SD_LISTEN_FDS_START.</summary>
    private const int FirstDescriptor = 3;

    /// <summary>
    /// The inherited sockets bound as <see cref="ListenSockets.BindNew"/> binds on <paramref name="listenAddress"/>,
    /// by port; the others are closed. Clears the variables, so that nothing started later takes them for its own.
    /// </summary>
    public static ConcurrentDictionary<ListenPort, Socket> Take(IPAddress listenAddress)
    {
        ArgumentNullException.ThrowIfNull(listenAddress);
        var descriptors = Descriptors(
            Environment.GetEnvironmentVariable("LISTEN_FDS"), Environment.GetEnvironmentVariable("LISTEN_PID"), Environment.ProcessId);
        foreach (var variable in (string[])["LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"])
        {
            Environment.SetEnvironmentVariable(variable, null);
        }

        var sockets = new ConcurrentDictionary<ListenPort, Socket>();
        foreach (var descriptor in descriptors)
        {
            if (Wrap(descriptor) is not { } socket)
            {
                continue;
            }

            if (PortOf(socket, listenAddress) is { } port && sockets.TryAdd(port, socket))
            {
                continue;
            }

            socket.Dispose();
        }

        return sockets;
    }

    /// <summary>The descriptors named by the two variables (sd_listen_fds(3)): none unless the pid is ours.</summary>
    internal static IReadOnlyList<int> Descriptors(string? count, string? pid, int processId) =>
        int.TryParse(pid, out var forPid) && forPid == processId && int.TryParse(count, out var n) && n is > 0 and <= 1024
            ? Enumerable.Range(FirstDescriptor, n).ToList()
            : [];

    /// <summary>
    /// The port <paramref name="socket"/> serves when it is bound as the proxy binds its own: a listening TCP
    /// socket or a UDP socket, on <paramref name="listenAddress"/> (dual-mode when that is IPv6); otherwise null.
    /// </summary>
    internal static ListenPort? PortOf(Socket socket, IPAddress listenAddress)
    {
        ArgumentNullException.ThrowIfNull(socket);
        try
        {
            if (socket.LocalEndPoint is not IPEndPoint bound || !bound.Address.Equals(listenAddress)
                || (listenAddress.AddressFamily == AddressFamily.InterNetworkV6 && !socket.DualMode))
            {
                return null;
            }

            return socket.SocketType switch
            {
                SocketType.Stream when socket.ProtocolType == ProtocolType.Tcp && Listens(socket) => new ListenPort(bound.Port, TransportProtocol.Tcp),
                SocketType.Dgram when socket.ProtocolType == ProtocolType.Udp => new ListenPort(bound.Port, TransportProtocol.Udp),
                _ => null,
            };
        }
        catch (SocketException)
        {
            return null;
        }
    }

    private static bool Listens(Socket socket) =>
        socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.AcceptConnection) is int listening && listening != 0;

    /// <summary>A socket over the descriptor, or null when it is not a socket (closed then, as it is ours).</summary>
    private static Socket? Wrap(int descriptor)
    {
        var handle = new SafeSocketHandle(descriptor, ownsHandle: true);
        try
        {
            return new Socket(handle);
        }
        catch (Exception exception) when (exception is SocketException or ArgumentException)
        {
            handle.Dispose();
            return null;
        }
    }
}
