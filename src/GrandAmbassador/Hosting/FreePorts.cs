using System.Net;
using System.Net.Sockets;

namespace GrandAmbassador.Hosting;

/// <summary>
/// Picks a free TCP port, so that two single-host instances on one machine never collide on their
/// silo and gateway ports.
/// </summary>
internal static class FreePorts
{
    /// <summary><paramref name="preferred"/> when nothing listens on it, else any free port.</summary>
    public static int PreferOr(int preferred)
    {
        try
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.Any, preferred));
            return preferred;
        }
        catch (SocketException)
        {
            return Next();
        }
    }

    public static int Next()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
