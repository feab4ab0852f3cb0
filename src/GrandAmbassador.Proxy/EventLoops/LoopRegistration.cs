using System.Runtime.InteropServices;

namespace GrandAmbassador.Proxy.EventLoops;

/// <summary>
/// One descriptor in an <see cref="EventLoop"/>'s epoll set and the handler its events go to. The epoll entry carries
/// a GC handle to the handler, made before the entry is added (so that the handler can know its registration before its
/// first event), freed by <see cref="EventLoop.Remove"/> only once the loop's current batch of events is done: an event of
/// that batch for an entry removed earlier in it still finds its handler, which ignores it.
/// </summary>
internal readonly struct LoopRegistration
{
    private LoopRegistration(int fd, GCHandle handler)
    {
        Fd = fd;
        Handler = handler;
    }

    public int Fd { get; }

    public GCHandle Handler { get; }

    /// <summary>Whether it is (or is about to be) in a loop's set: false for the default value and once removed.</summary>
    public bool IsAllocated => Handler.IsAllocated;

    public static LoopRegistration For(int fd, ILoopHandler handler) => new(fd, GCHandle.Alloc(handler));
}
