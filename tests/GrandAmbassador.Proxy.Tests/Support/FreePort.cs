using System.Net;
using System.Net.Sockets;

namespace GrandAmbassador.Proxy.Tests.Support;

/// <summary>Picks a port that is free right now by binding a probe socket to port 0.</summary>
internal static class FreePort
{
    public static int Tcp() => Probe(SocketType.Stream, ProtocolType.Tcp);

    public static int Udp() => Probe(SocketType.Dgram, ProtocolType.Udp);

    private static int Probe(SocketType socketType, ProtocolType protocolType)
    {
        using var probe = new Socket(AddressFamily.InterNetwork, socketType, protocolType);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
