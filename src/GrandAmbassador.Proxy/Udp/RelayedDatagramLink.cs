using GrandAmbassador.Proxy.HostRelay;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tcp;

namespace GrandAmbassador.Proxy.Udp;

/// <summary>
/// One UDP session carried over a host relay's link that said go (a stream of a multiplexed TLS link, or a plaintext TCP
/// connection of its own): datagrams framed both ways (<see cref="RelayWire"/>). Each end of the relay has one: the
/// ambassador's <see cref="UdpSession"/> sends its client's datagrams into it in place of a connected UDP socket, and the
/// relay copies between it and the container.
/// Either end closing the link ends the session at the other.
/// </summary>
internal sealed class RelayedDatagramLink : IDisposable
{
    private readonly CopyEnd _end;
    private readonly DatagramFrameWriter _writer;
    private int _disposed;

    /// <param name="end">The link after its go, owned by the link from now on: its stream, and how it ends.</param>
    public RelayedDatagramLink(CopyEnd end)
    {
        _end = end;
        _writer = new DatagramFrameWriter(end.Stream, Abort);
    }

    /// <summary>The ambassador's end, from a dial through a relay: a stream of the TLS link to it, or a TCP connection to a plaintext one.</summary>
    public static RelayedDatagramLink Of(DialResult relayed) =>
        new(relayed.Stream is { } stream ? CopyEnd.Of(stream) : CopyEnd.Of(relayed.Socket!));

    /// <summary>Sends one datagram without waiting: the link's own loop writes it.</summary>
    /// <param name="header">Bytes the datagram starts with on arrival (a PROXY v2 header), or empty.</param>
    /// <returns>False when it was dropped: longer than a frame carries, the link behind, or closed.</returns>
    public bool TrySend(ReadOnlySpan<byte> header, ReadOnlySpan<byte> datagram) => _writer.TryWrite(header, datagram);

    /// <summary>Hands every datagram that arrives to <paramref name="deliver"/>, in order, until the link ends.</summary>
    /// <returns>Completes when the other end closed the link; faults when it reset or this end closed it.</returns>
    public Task ReceiveAsync(Func<ReadOnlyMemory<byte>, ValueTask> deliver) => DatagramFrameReader.ReadAsync(_end.Stream, deliver);

    /// <summary>A FIN both ways: the other end reads the end of the link, and so does <see cref="ReceiveAsync"/> here.</summary>
    public void Close()
    {
        _writer.Close();
        _end.ShutdownBoth();
    }

    /// <summary>A reset: for a link that failed, or a process that is closing.</summary>
    public void Abort()
    {
        _writer.Close();
        _end.Reset();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _writer.Close();
        _end.Stream.Dispose();
        _end.Socket?.Dispose();
    }
}
