using System.Runtime.InteropServices;

namespace GrandAmbassador.Proxy.Limits;

/// <summary>
/// The process's open-file limit (RLIMIT_NOFILE). Every relayed TCP connection costs two descriptors, and the soft
/// limit is often 1,024 while the hard one allows far more, so the host raises the soft limit once at start.
/// </summary>
internal static partial class ProcessLimits
{
    // RLIMIT_NOFILE on Linux (every architecture .NET runs on) and 8 on macOS and the BSDs.
    private const int LinuxNoFile = 7;
    private const int BsdNoFile = 8;

    /// <summary>The soft and hard limits, or <see langword="null"/> where they cannot be read (Windows).</summary>
    public static (ulong Soft, ulong Hard)? OpenFiles()
    {
        if (!Supported)
        {
            return null;
        }

        return GetRLimit(Resource, out var limit) == 0 ? (limit.Current, limit.Maximum) : null;
    }

    /// <summary>
    /// Raises the soft limit to the hard one. Returns the soft limit now in force, or <see langword="null"/> if it
    /// cannot be read; a failure to raise it leaves it as it was.
    /// </summary>
    public static ulong? RaiseOpenFilesToHardLimit()
    {
        if (!Supported || GetRLimit(Resource, out var limit) != 0)
        {
            return null;
        }

        if (limit.Current < limit.Maximum)
        {
            var raised = new RLimit { Current = limit.Maximum, Maximum = limit.Maximum };
            if (SetRLimit(Resource, in raised) == 0)
            {
                return raised.Current;
            }
        }

        return limit.Current;
    }

    private static bool Supported => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD();

    private static int Resource => OperatingSystem.IsLinux() ? LinuxNoFile : BsdNoFile;

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, out RLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRLimit(int resource, in RLimit limit);

    /// <summary><c>struct rlimit</c>: two <c>rlim_t</c>, which are 64-bit on every 64-bit platform .NET supports.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }
}
