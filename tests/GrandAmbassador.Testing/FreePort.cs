using System.Net;
using System.Net.Sockets;

namespace GrandAmbassador.Testing;

/// <summary>Port numbers no other test (nor anything else on the machine) is using right now.</summary>
public static class FreePort
{
    private static int s_next = 20000 + (Environment.ProcessId % 200) * 100;

    /// <summary>A port free for both TCP and UDP on every address, from a range walked once per process.</summary>
    public static int Next()
    {
        while (true)
        {
            var port = Interlocked.Increment(ref s_next);
            if (port > 60000)
            {
                Interlocked.Exchange(ref s_next, 20000);
                continue;
            }

            if (IsFree(port))
            {
                return port;
            }
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Any, port));
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Any, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
