using System.Runtime.InteropServices;

namespace GrandAmbassador.Proxy.EventLoops;

/// <summary>
/// A loop's datagrams in flight: up to <see cref="Capacity"/> received with one recvmmsg(2), each in a slot of its own
/// with its sender's address, and sent on with one sendmmsg(2) per destination, straight out of the same slots. One
/// per loop, used by one handler at a time on the loop's thread; made on first use, kept for the process's life.
/// A slot holds the largest datagram, but only the pages a datagram touches become resident.
/// </summary>
internal sealed unsafe class DatagramBatch
{
    /// <summary>Datagrams per system call: more than a loop sees per wake-up at the rates measured (bench/README).</summary>
    public const int Capacity = 32;

    /// <summary>Room for the largest UDP payload over IPv4 (65,507 bytes) and IPv6 (65,527): nothing is ever truncated.</summary>
    public const int SlotSize = 65_536;

    // sockaddr_in6 is 28 bytes; a sockaddr_in, 16.
    private const int AddressSize = 32;

    private readonly LoopNative.MultiMessageHeader* _headers;

    // Two vectors per message: a prefix (a PROXY header) and the datagram; a message without prefix points at the second.
    private readonly LoopNative.IoVec* _vectors;
    private readonly byte* _addresses;
    private readonly byte* _slots;

    public DatagramBatch()
    {
        _headers = (LoopNative.MultiMessageHeader*)NativeMemory.AllocZeroed(Capacity, (nuint)sizeof(LoopNative.MultiMessageHeader));
        _vectors = (LoopNative.IoVec*)NativeMemory.AllocZeroed(Capacity * 2, (nuint)sizeof(LoopNative.IoVec));
        _addresses = (byte*)NativeMemory.AllocZeroed(Capacity, AddressSize);

        // Not zeroed: the kernel writes a slot before anything reads it, and untouched pages stay unbacked.
        _slots = (byte*)NativeMemory.Alloc(Capacity, SlotSize);
    }

    /// <summary>Receives what <paramref name="fd"/> has, up to <see cref="Capacity"/> datagrams, without waiting: their count, or minus the errno.</summary>
    public int Receive(int fd)
    {
        for (var i = 0; i < Capacity; i++)
        {
            var datagram = &_vectors[(2 * i) + 1];
            datagram->Base = _slots + ((nint)i * SlotSize);
            datagram->Length = SlotSize;
            ref var header = ref _headers[i].Header;
            header.Name = _addresses + (i * AddressSize);
            header.NameLength = AddressSize;
            header.Vectors = datagram;
            header.VectorCount = 1;
            header.Flags = 0;
        }

        var received = LoopNative.RecvMmsg(fd, _headers, Capacity, LoopNative.MsgDontWait, null);
        return received >= 0 ? received : -LoopNative.LastError;
    }

    /// <summary>The bytes of received datagram <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Datagram(int index) => new(_slots + ((nint)index * SlotSize), (int)_headers[index].Length);

    /// <summary>The sender's address of received datagram <paramref name="index"/>, as a native sockaddr.</summary>
    public ReadOnlySpan<byte> Sender(int index) => new(_addresses + (index * AddressSize), (int)_headers[index].Header.NameLength);

    /// <summary>
    /// Sends received datagrams <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> - 1 on
    /// the connected socket <paramref name="fd"/>, each after <paramref name="prefix"/> when it is not empty, without
    /// waiting: how many went, or minus the errno when the first could not.
    /// </summary>
    public int Send(int fd, int start, int count, ReadOnlySpan<byte> prefix)
    {
        fixed (byte* prefixBytes = prefix)
        {
            for (var i = start; i < start + count; i++)
            {
                Address(i, null, 0);
                Prefix(i, prefixBytes, prefix.Length);
            }

            return SendPrepared(fd, start, count);
        }
    }

    /// <summary>
    /// Sends received datagrams <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> - 1 from
    /// the unconnected socket <paramref name="fd"/> to <paramref name="address"/> (a native sockaddr), without waiting:
    /// how many went, or minus the errno when the first could not.
    /// </summary>
    public int SendTo(int fd, int start, int count, ReadOnlySpan<byte> address)
    {
        fixed (byte* addressBytes = address)
        {
            for (var i = start; i < start + count; i++)
            {
                Address(i, addressBytes, address.Length);
                Prefix(i, null, 0);
            }

            return SendPrepared(fd, start, count);
        }
    }

    private int SendPrepared(int fd, int start, int count)
    {
        var sent = LoopNative.SendMmsg(fd, _headers + start, (uint)count, LoopNative.MsgDontWait | LoopNative.MsgNoSignal);
        return sent >= 0 ? sent : -LoopNative.LastError;
    }

    private void Address(int index, byte* address, int length)
    {
        ref var header = ref _headers[index].Header;
        header.Name = address;
        header.NameLength = (uint)length;
    }

    private void Prefix(int index, byte* prefix, int length)
    {
        ref var header = ref _headers[index].Header;
        var datagram = &_vectors[(2 * index) + 1];

        // Received datagrams are sent once each: the length the receive wrote is still the datagram's.
        datagram->Length = _headers[index].Length;
        if (length == 0)
        {
            header.Vectors = datagram;
            header.VectorCount = 1;
            return;
        }

        var vector = &_vectors[2 * index];
        vector->Base = prefix;
        vector->Length = (nuint)length;
        header.Vectors = vector;
        header.VectorCount = 2;
    }
}
