using System.Runtime.InteropServices;

namespace GrandAmbassador.Proxy.Tcp.Splice;

/// <summary>
/// The few Linux system calls the splice path needs. Values are those of Linux's generic ABI, which x86-64 and
/// arm64 share. Only called on Linux (<see cref="SpliceSupport"/>).
/// </summary>
internal static unsafe partial class LibC
{
    public const int EINTR = 4;
    public const int EAGAIN = 11;

    public const int ONonBlock = 0x800;
    public const int OCloExec = 0x80000;
    public const int FSetPipeSize = 1031;
    public const int FGetPipeSize = 1032;
    public const uint SpliceMoveNonBlock = 1 | 2; // SPLICE_F_MOVE | SPLICE_F_NONBLOCK

    // glibc's soname: a bare "libc" resolves only where the development files put a libc.so beside it, which a
    // runtime image lacks. Elsewhere (musl) loading fails and SpliceSupport falls back to the copy loop.
    private const string Library = "libc.so.6";

    [LibraryImport(Library, EntryPoint = "splice", SetLastError = true)]
    public static partial nint Splice(int fdIn, nint offIn, int fdOut, nint offOut, nuint length, uint flags);

    [LibraryImport(Library, EntryPoint = "pipe2", SetLastError = true)]
    public static partial int Pipe2(int* fds, int flags);

    [LibraryImport(Library, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport(Library, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);
}
