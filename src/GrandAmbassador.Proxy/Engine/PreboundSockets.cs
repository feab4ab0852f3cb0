using System.Net.Sockets;
using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.Proxy.Engine;

/// <summary>
/// Listening sockets bound before the proxy that will serve them exists. The kernel completes a TCP
/// handshake for a listening socket whether or not anybody accepts yet, so a client that connects in the
/// first second (before the process has read its routes) waits in the backlog instead of being refused;
/// the port's listener takes the socket over (<see cref="ListenSockets.Bind"/>) and accepts them.
/// A socket nobody takes over is closed by <see cref="ReleaseUnclaimed"/>.
/// </summary>
internal sealed class PreboundSockets
{
    private readonly Dictionary<ListenPort, Socket> _sockets = [];
    private bool _sealed;

    /// <summary>
    /// Binds <paramref name="port"/> as its listener would; false when it cannot be had or binding has been
    /// sealed (nothing is kept then). Binds under the lock, so that once <see cref="Seal"/> has returned no
    /// bind is in flight: a listener binding the port itself never races one of these.
    /// </summary>
    public bool TryBind(ProxyOptions options, ListenPort port)
    {
        ArgumentNullException.ThrowIfNull(options);
        lock (_sockets)
        {
            if (_sealed || port.Port == 0 || _sockets.ContainsKey(port))
            {
                return false;
            }

            try
            {
                _sockets[port] = port.Protocol == TransportProtocol.Tcp
                    ? ListenSockets.BindNew(options, port.Port, SocketType.Stream, ProtocolType.Tcp, bound => bound.Listen(options.ListenBacklog))
                    : ListenSockets.BindNew(options, port.Port, SocketType.Dgram, ProtocolType.Udp);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// Keeps <paramref name="socket"/>, bound before this process started (<see cref="InheritedListenSockets"/>),
    /// for <paramref name="port"/>'s listener; false when sealed or the port has one already (the caller keeps it then).
    /// </summary>
    public bool TryAdopt(ListenPort port, Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        lock (_sockets)
        {
            return !_sealed && _sockets.TryAdd(port, socket);
        }
    }

    /// <summary>No more binds from now on (those already made stay until taken or released).</summary>
    public void Seal()
    {
        lock (_sockets)
        {
            _sealed = true;
        }
    }

    /// <summary>How many sockets wait to be taken over.</summary>
    public int Count
    {
        get
        {
            lock (_sockets)
            {
                return _sockets.Count;
            }
        }
    }

    /// <summary>The socket bound for <paramref name="port"/>, now the caller's; null when none was.</summary>
    public Socket? Take(ListenPort port)
    {
        lock (_sockets)
        {
            return _sockets.Remove(port, out var socket) ? socket : null;
        }
    }

    /// <summary>Closes the sockets no listener took over (their port was not routed after all); returns how many.</summary>
    public int ReleaseUnclaimed()
    {
        List<Socket> left;
        lock (_sockets)
        {
            left = [.. _sockets.Values];
            _sockets.Clear();
        }

        foreach (var socket in left)
        {
            socket.Dispose();
        }

        return left.Count;
    }
}
