namespace GrandAmbassador.Proxy.Tcp;

/// <summary>
/// One direction of a relayed TCP connection, as <see cref="TcpConnection"/> and its timeout sweep see it: socket to
/// socket (<see cref="SocketCopier"/>), or to or from a stream of a relay link (<see cref="StreamCopier"/>).
/// </summary>
internal interface IDirectionCopier : IDisposable
{
    /// <summary>The <see cref="TcpConnection"/> it belongs to.</summary>
    object? UserToken { get; set; }

    /// <summary>Bytes relayed so far; read by the timeout sweep.</summary>
    long BytesCopied { get; }

    /// <summary>True while the direction waits for data, or has ended.</summary>
    bool IsWaiting { get; }

    /// <summary>Whether the direction moved to splice(2); valid once it completed.</summary>
    bool Spliced { get; }

    /// <summary>How the direction ended; valid once it completed.</summary>
    CopyResult Result { get; }

    void Start();
}
