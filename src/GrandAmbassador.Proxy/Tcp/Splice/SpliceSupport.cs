namespace GrandAmbassador.Proxy.Tcp.Splice;

/// <summary>Whether this process can splice: Linux, with glibc's system calls reachable. Probed once.</summary>
internal static class SpliceSupport
{
    private static readonly Lazy<bool> Probe = new(CanCreatePipe);

    public static bool IsAvailable => Probe.Value;

    private static bool CanCreatePipe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            using var pipe = SplicePipe.TryCreate(64 * 1024);
            return pipe is not null;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }
}
