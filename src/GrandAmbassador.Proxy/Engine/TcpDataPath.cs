namespace GrandAmbassador.Proxy.Engine;

/// <summary>What relays a TCP connection's bytes once it is connected (<see cref="ProxyOptions.DataPath"/>).</summary>
internal enum TcpDataPath
{
    /// <summary>Edge-triggered epoll loops on raw descriptors, one per core: two system calls per message (Linux on x86-64).</summary>
    EventLoop,

    /// <summary>.NET sockets and their completion callbacks: every platform, and the fallback.</summary>
    Sockets,
}
