using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace GrandAmbassador.Proxy.EventLoops;

/// <summary>
/// Connects a backend socket with a non-blocking connect(2) whose completion an <see cref="EventLoop"/> waits for, instead
/// of <see cref="Socket.ConnectAsync(EndPoint, CancellationToken)"/>: a socket .NET has connected stays in .NET's own epoll
/// set for good, and every message from the backend would then wake .NET's engine thread as well as the loop.
/// </summary>
internal sealed class LoopConnector : ILoopHandler
{
    private readonly EventLoop _loop;
    // Continuations run on the loop's thread, as .NET's inline socket completions run on its engine's: the dial goes on
    // to the relay without a hop through the thread pool, and the relay then starts on this same loop without a post.
    private readonly TaskCompletionSource _done = new();
    private LoopRegistration _registration;

    private LoopConnector(EventLoop loop) => _loop = loop;

    /// <summary>Connects <paramref name="socket"/> (new, unconnected, never used asynchronously) to <paramref name="address"/>.</summary>
    /// <exception cref="SocketException">The connect failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> ended the wait.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public static async ValueTask ConnectAsync(EventLoop loop, Socket socket, IPEndPoint address, CancellationToken cancellationToken)
    {
        var handle = socket.SafeHandle;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var fd = (int)handle.DangerousGetHandle();
            LoopNative.SetNonBlocking(fd);
            var errno = LoopNative.Connect(fd, address);
            if (errno == 0)
            {
                return;
            }

            if (errno != LoopNative.EINPROGRESS)
            {
                throw LoopErrors.Exception(errno);
            }

            var connector = new LoopConnector(loop);
            connector._registration = LoopRegistration.For(fd, connector);
            errno = loop.Add(connector._registration, LoopNative.EpollOut);
            if (errno != 0)
            {
                throw LoopErrors.Exception(errno);
            }

            using (cancellationToken.UnsafeRegister(static (state, token) => ((LoopConnector)state!).Cancel(token), connector))
            {
                await connector._done.Task.ConfigureAwait(false);
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>Writable (connected) or failed: SO_ERROR says which.</summary>
    public void OnEvents(uint events)
    {
        if (!_registration.IsAllocated)
        {
            return;
        }

        var error = LoopNative.TakeSocketError(_registration.Fd);
        Remove();
        if (error == 0)
        {
            _done.TrySetResult();
        }
        else
        {
            _done.TrySetException(LoopErrors.Exception(error));
        }
    }

    private void Cancel(CancellationToken token) => _loop.Post(() =>
    {
        if (_registration.IsAllocated)
        {
            Remove();
            _done.TrySetCanceled(token);
        }
    });

    private void Remove()
    {
        _loop.Remove(_registration);
        _registration = default;
    }
}
