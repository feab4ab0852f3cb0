using System.Net.Sockets;

namespace GrandAmbassador.Proxy.EventLoops;

/// <summary>
/// A socket's descriptor, with a reference on its handle for as long as a relay on a loop (Tcp.Loop.LoopRelay) uses
/// it, so that its number cannot be closed and reused under the loop. A dispose meanwhile would not wait quietly:
/// .NET's close spins, resetting the socket, until the reference is released; so the connection never disposes its
/// sockets while a relay may hold them (TcpConnection publishes the relay before it reads whether it was aborted).
/// </summary>
internal sealed class HeldDescriptor
{
    private readonly SafeSocketHandle? _handle;

    private HeldDescriptor(SafeSocketHandle? handle, int fd)
    {
        _handle = handle;
        Fd = fd;
        Held = handle is not null;
    }

    public int Fd { get; }

    /// <summary>False when the socket was already disposed at <see cref="Take"/>, and once released.</summary>
    public bool Held { get; private set; }

    public static HeldDescriptor Take(Socket socket)
    {
        var added = false;
        try
        {
            var handle = socket.SafeHandle;
            handle.DangerousAddRef(ref added);
            return new HeldDescriptor(handle, (int)handle.DangerousGetHandle());
        }
        catch (ObjectDisposedException)
        {
            return new HeldDescriptor(null, -1);
        }
    }

    public void Release()
    {
        if (Held)
        {
            Held = false;
            _handle!.DangerousRelease();
        }
    }
}
