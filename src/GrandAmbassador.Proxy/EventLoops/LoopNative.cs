using System.Runtime.InteropServices;

namespace GrandAmbassador.Proxy.EventLoops;

/// <summary>
/// The Linux system calls the data path makes on raw descriptors: the event loops' (TCP and UDP) and splice's (Tcp/Splice, on both
/// data paths). Values are those of Linux's generic ABI (x86-64 and arm64 share them); <see cref="EpollEvent"/>'s
/// layout is x86-64's, so <see cref="EventLoopSupport"/> offers the loops only there. glibc's soname: a bare "libc"
/// resolves only where the development files put a libc.so beside it, which a runtime image lacks; elsewhere (musl)
/// loading fails, and the loops and splice fall back.
/// </summary>
internal static unsafe partial class LoopNative
{
    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int EINPROGRESS = 115;
    public const int ECONNREFUSED = 111;
    public const int EMSGSIZE = 90;
    public const int ENOBUFS = 105;

    public const uint EpollIn = 0x001;
    public const uint EpollOut = 0x004;
    public const uint EpollErr = 0x008;
    public const uint EpollHup = 0x010;
    public const uint EpollRdHup = 0x2000;
    public const uint EpollEdgeTriggered = 1u << 31;

    public const int EpollCtlAdd = 1;
    public const int EpollCtlDel = 2;
    public const int EpollCloExec = 0x80000;

    public const int EventFdNonBlock = 0x800;
    public const int EventFdCloExec = 0x80000;

    public const int FSetFl = 4;
    public const int ONonBlock = 0x800;
    public const int OCloExec = 0x80000;
    public const int FSetPipeSize = 1031;
    public const int FGetPipeSize = 1032;
    public const uint SpliceMoveNonBlock = 1 | 2; // SPLICE_F_MOVE | SPLICE_F_NONBLOCK

    public const int MsgDontWait = 0x40;
    public const int MsgNoSignal = 0x4000;
    public const int ShutWrite = 1;

    public const int SolSocket = 1;
    public const int SoError = 4;
    public const int SoLinger = 13;

    private const string Library = "libc.so.6";

    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    public struct EpollEvent
    {
        public uint Events;
        public ulong Data;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    /// <summary>struct msghdr (x86-64 and arm64: 56 bytes, the compiler's padding after <see cref="NameLength"/> and <see cref="Flags"/>).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MessageHeader
    {
        public byte* Name;
        public uint NameLength;
        public IoVec* Vectors;
        public nuint VectorCount;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary>struct mmsghdr: a message of recvmmsg/sendmmsg and the bytes it moved.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MultiMessageHeader
    {
        public MessageHeader Header;
        public uint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct Linger
    {
        public int OnOff;
        public int Seconds;
    }

    [LibraryImport(Library, EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate1(int flags);

    [LibraryImport(Library, EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollCtl(int epfd, int op, int fd, EpollEvent* ev);

    [LibraryImport(Library, EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epfd, EpollEvent* events, int maxEvents, int timeout);

    [LibraryImport(Library, EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initial, int flags);

    [LibraryImport(Library, EntryPoint = "recv", SetLastError = true)]
    public static partial nint Recv(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport(Library, EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport(Library, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "recvmmsg", SetLastError = true)]
    public static partial int RecvMmsg(int fd, MultiMessageHeader* messages, uint count, int flags, void* timeout);

    [LibraryImport(Library, EntryPoint = "sendmmsg", SetLastError = true)]
    public static partial int SendMmsg(int fd, MultiMessageHeader* messages, uint count, int flags);

    [LibraryImport(Library, EntryPoint = "shutdown", SetLastError = true)]
    public static partial int Shutdown(int fd, int how);

    [LibraryImport(Library, EntryPoint = "connect", SetLastError = true)]
    public static partial int Connect(int fd, byte* address, uint length);

    [LibraryImport(Library, EntryPoint = "getsockopt", SetLastError = true)]
    public static partial int GetSockOpt(int fd, int level, int name, void* value, uint* length);

    [LibraryImport(Library, EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(int fd, int level, int name, void* value, uint length);

    [LibraryImport(Library, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport(Library, EntryPoint = "splice", SetLastError = true)]
    public static partial nint Splice(int fdIn, nint offIn, int fdOut, nint offOut, nuint length, uint flags);

    [LibraryImport(Library, EntryPoint = "pipe2", SetLastError = true)]
    public static partial int Pipe2(int* fds, int flags);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    public static int LastError => Marshal.GetLastPInvokeError();

    /// <summary>Makes <paramref name="fd"/> non-blocking (a socket's other status flags are none: nothing to keep).</summary>
    public static void SetNonBlocking(int fd) => _ = Fcntl(fd, FSetFl, ONonBlock);

    /// <summary>connect(2) to <paramref name="address"/>: 0 when connected at once, else the errno (EINPROGRESS: under way).</summary>
    public static int Connect(int fd, System.Net.IPEndPoint address)
    {
        var socketAddress = address.Serialize();
        fixed (byte* native = socketAddress.Buffer.Span)
        {
            return Connect(fd, native, (uint)socketAddress.Size) == 0 ? 0 : LastError;
        }
    }

    /// <summary>SO_LINGER zero: the close that follows sends RST, not FIN.</summary>
    public static void SetAbortive(int fd)
    {
        var linger = new Linger { OnOff = 1, Seconds = 0 };
        _ = SetSockOpt(fd, SolSocket, SoLinger, &linger, (uint)sizeof(Linger));
    }

    /// <summary>The socket's pending error (SO_ERROR), which also clears it; 0 for none.</summary>
    public static int TakeSocketError(int fd)
    {
        int error;
        var length = (uint)sizeof(int);
        return GetSockOpt(fd, SolSocket, SoError, &error, &length) == 0 ? error : LastError;
    }
}
