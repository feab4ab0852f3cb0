using System.Net.Sockets;

namespace GrandAmbassador.Proxy.EventLoops;

/// <summary>
/// A socket's descriptor, with a reference on its handle for as long as a relay on a loop (Tcp.Loop.LoopRelay) uses it: a dispose
/// meanwhile (on another thread) closes it only once released, so its number cannot be reused under the loop.
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
