namespace GrandAmbassador.Proxy.Engine;

/// <summary>What relays a TCP connection's bytes once it is connected, and a UDP port's datagrams (<see cref="ProxyOptions.DataPath"/>).</summary>
internal enum DataPath
{
    /// <summary>
    /// Edge-triggered epoll loops on raw descriptors, one per core: two system calls per TCP message, recvmmsg and
    /// sendmmsg for batches of datagrams (Linux on x86-64).
    /// </summary>
    EventLoop,

    /// <summary>.NET sockets and their completion callbacks: every platform, and the fallback.</summary>
    Sockets,
}
