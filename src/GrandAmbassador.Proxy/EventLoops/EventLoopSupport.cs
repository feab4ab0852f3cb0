using System.Runtime.InteropServices;

namespace GrandAmbassador.Proxy.EventLoops;

/// <summary>Whether this process can run the event-loop data path: Linux on x86-64 with glibc's epoll reachable. Probed once.</summary>
internal static class EventLoopSupport
{
    private static readonly Lazy<string?> Probe = new(WhyNot);

    public static bool IsAvailable => Probe.Value is null;

    /// <summary>Why the path is not available; <see langword="null"/> when it is.</summary>
    public static string? Unavailable => Probe.Value;

    private static unsafe string? WhyNot()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "not Linux";
        }

        // epoll_event is packed on x86-64 only; elsewhere its layout differs (LoopNative.EpollEvent).
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            return $"{RuntimeInformation.ProcessArchitecture} is not x86-64";
        }

        try
        {
            var epoll = LoopNative.EpollCreate1(LoopNative.EpollCloExec);
            if (epoll < 0)
            {
                return $"epoll_create1 failed with errno {LoopNative.LastError}";
            }

            _ = LoopNative.Close(epoll);
            return null;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return "no glibc";
        }
    }
}
