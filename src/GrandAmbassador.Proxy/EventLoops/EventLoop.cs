using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Proxy.EventLoops;

/// <summary>
/// One thread, one edge-triggered epoll set, one buffer: the descriptors registered here are read and written on this
/// thread only, straight into and out of <see cref="Buffer"/>, as HAProxy and nginx do. Other threads register
/// descriptors (epoll_ctl is safe from any thread) and post work (<see cref="Post"/>); removing a descriptor and
/// everything a handler does happen on the loop's thread.
/// </summary>
internal sealed unsafe class EventLoop
{
    private const int MaxEvents = 256;
    private const ulong WakeData = 0;
    private readonly int _epoll;
    private readonly int _wake;
    private readonly ConcurrentQueue<Action> _posted = new();
    private readonly List<GCHandle> _freeAfterBatch = [];
    private readonly ILogger _logger;
    private DatagramBatch? _datagrams;
    private int _wakePending;
    private bool _waitFailureLogged;

    private EventLoop(int epoll, int wake, int bufferSize, int index, ILogger logger)
    {
        _logger = logger;
        _epoll = epoll;
        _wake = wake;
        Buffer = GC.AllocateArray<byte>(bufferSize, pinned: true);
        var thread = new Thread(Run) { IsBackground = true, Name = $"ga-loop-{index}" };
        thread.UnsafeStart();
    }

    /// <summary>The loop's one buffer (pinned): a handler reads into it and sends out of it within one event.</summary>
    public byte[] Buffer { get; }

    /// <summary>The loop's datagrams in flight, for the UDP handlers on it; on the loop's thread only, made on first use.</summary>
    public DatagramBatch Datagrams => _datagrams ??= new DatagramBatch();

    [ThreadStatic]
    private static EventLoop? s_current;

    /// <summary>The loop whose thread the caller runs on; null off the loops' threads.</summary>
    public static EventLoop? Current => s_current;

    /// <summary>A new loop with its thread started; throws <see cref="InvalidOperationException"/> when epoll is not to be had.</summary>
    public static EventLoop Create(int bufferSize, int index, ILogger logger)
    {
        var epoll = LoopNative.EpollCreate1(LoopNative.EpollCloExec);
        if (epoll < 0)
        {
            throw new InvalidOperationException($"epoll_create1 failed: errno {LoopNative.LastError}");
        }

        var wake = LoopNative.EventFd(0, LoopNative.EventFdNonBlock | LoopNative.EventFdCloExec);
        if (wake < 0)
        {
            _ = LoopNative.Close(epoll);
            throw new InvalidOperationException($"eventfd failed: errno {LoopNative.LastError}");
        }

        var ev = new LoopNative.EpollEvent { Events = LoopNative.EpollIn | LoopNative.EpollEdgeTriggered, Data = WakeData };
        if (LoopNative.EpollCtl(epoll, LoopNative.EpollCtlAdd, wake, &ev) != 0)
        {
            var errno = LoopNative.LastError;
            _ = LoopNative.Close(wake);
            _ = LoopNative.Close(epoll);
            throw new InvalidOperationException($"epoll_ctl of the wake-up eventfd failed: errno {errno}");
        }
        return new EventLoop(epoll, wake, bufferSize, index, logger);
    }

    /// <summary>
    /// Adds <paramref name="registration"/>'s descriptor for <paramref name="events"/> (edge-triggered), its events going to
    /// its handler on the loop's thread from now on: a readiness already there fires at once. Safe from any thread; on
    /// failure the registration's handle is freed and the errno returned.
    /// </summary>
    public int Add(LoopRegistration registration, uint events)
    {
        var ev = new LoopNative.EpollEvent { Events = events | LoopNative.EpollEdgeTriggered, Data = (ulong)GCHandle.ToIntPtr(registration.Handler) };
        if (LoopNative.EpollCtl(_epoll, LoopNative.EpollCtlAdd, registration.Fd, &ev) == 0)
        {
            return 0;
        }

        var errno = LoopNative.LastError;
        registration.Handler.Free();
        return errno;
    }

    /// <summary>Removes a registration; on the loop's thread only. The descriptor itself stays open: its owner closes it.</summary>
    public void Remove(LoopRegistration registration)
    {
        if (registration.IsAllocated)
        {
            _ = LoopNative.EpollCtl(_epoll, LoopNative.EpollCtlDel, registration.Fd, null);
            _freeAfterBatch.Add(registration.Handler);
        }
    }

    /// <summary>Whether the caller runs on this loop's thread.</summary>
    public bool IsCurrent => ReferenceEquals(s_current, this);

    /// <summary>Runs <paramref name="work"/> on the loop's thread, after what was posted before it.</summary>
    public void Post(Action work)
    {
        _posted.Enqueue(work);
        if (Interlocked.Exchange(ref _wakePending, 1) == 0)
        {
            ulong one = 1;
            _ = LoopNative.Write(_wake, (byte*)&one, sizeof(ulong));
        }
    }

    private void Run()
    {
        s_current = this;
        var events = stackalloc LoopNative.EpollEvent[MaxEvents];
        while (true)
        {
            var count = LoopNative.EpollWait(_epoll, events, MaxEvents, -1);
            if (count < 0)
            {
                // EINTR (a debugger, a signal): wait again. Nothing else should fail on a valid epoll descriptor; if
                // something does, it is said once and the loop waits a little between tries rather than spin a core.
                if (LoopNative.LastError != LoopNative.EINTR)
                {
                    if (!_waitFailureLogged)
                    {
                        _waitFailureLogged = true;
                        LoopLog.WaitFailed(_logger, LoopNative.LastError);
                    }

                    Thread.Sleep(10);
                }

                continue;
            }

            for (var i = 0; i < count; i++)
            {
                var data = events[i].Data;
                if (data == WakeData)
                {
                    RunPosted();
                    continue;
                }

                var handler = (ILoopHandler)GCHandle.FromIntPtr((nint)data).Target!;
                Dispatch(handler, events[i].Events);
            }

            foreach (var handle in _freeAfterBatch)
            {
                handle.Free();
            }

            _freeAfterBatch.Clear();
        }
    }

    private void RunPosted()
    {
        ulong value;
        _ = LoopNative.Read(_wake, (byte*)&value, sizeof(ulong));
        // A full fence before the queue is read: with a plain store, a poster could still see 1 (and not write the
        // eventfd) after this loop had already found the queue empty, and its work would wait for the next post.
        Interlocked.Exchange(ref _wakePending, 0);
        while (_posted.TryDequeue(out var work))
        {
            try
            {
                work();
            }
            catch (Exception ex)
            {
                // Work's own failures are its own to report; one that escapes must not end the loop, which every
                // connection on it shares.
                LoopLog.HandlerFailed(_logger, ex);
            }
        }
    }

    private void Dispatch(ILoopHandler handler, uint events)
    {
        try
        {
            handler.OnEvents(events);
        }
        catch (Exception ex)
        {
            LoopLog.HandlerFailed(_logger, ex);
        }
    }
}
