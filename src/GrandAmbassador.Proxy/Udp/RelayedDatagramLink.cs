using System.Net.Security;
using System.Net.Sockets;
using GrandAmbassador.Proxy.HostRelay;
using GrandAmbassador.Proxy.Tcp;

namespace GrandAmbassador.Proxy.Udp;

/// <summary>
/// One UDP session carried over a host relay's link (TLS, or plaintext TCP) that said go: datagrams framed both ways
/// (<see cref="RelayWire"/>). Each end of the relay has one: the ambassador's <see cref="UdpSession"/> sends its
/// client's datagrams into it in place of a connected UDP socket, and the relay copies between it and the container.
/// Either end closing the link ends the session at the other.
/// </summary>
internal sealed class RelayedDatagramLink : IDisposable
{
    private readonly Socket _socket;
    private readonly SslStream? _tls;
    private readonly Stream _stream;
    private readonly DatagramFrameWriter _writer;
    private int _disposed;

    /// <param name="socket">The link's TCP connection, owned by the link from now on.</param>
    /// <param name="tls">The TLS stream over it, owned too; <see langword="null"/> for a plaintext relay.</param>
    public RelayedDatagramLink(Socket socket, SslStream? tls)
    {
        _socket = socket;
        _tls = tls;
        _stream = tls is not null ? tls : new NetworkStream(socket, ownsSocket: false);
        _writer = new DatagramFrameWriter(_stream, Abort);
    }

    /// <summary>The other end of the link (for logs).</summary>
    public System.Net.EndPoint? RemoteEndPoint => _socket.RemoteEndPoint;

    /// <summary>Bytes sent into the link, frames included.</summary>
    public long BytesSent => _writer.BytesWritten;

    /// <summary>Sends one datagram without waiting: the link's own loop writes it.</summary>
    /// <param name="header">Bytes the datagram starts with on arrival (a PROXY v2 header), or empty.</param>
    /// <returns>False when it was dropped: longer than a frame carries, the link behind, or closed.</returns>
    public bool TrySend(ReadOnlySpan<byte> header, ReadOnlySpan<byte> datagram) => _writer.TryWrite(header, datagram);

    /// <summary>Hands every datagram that arrives to <paramref name="deliver"/>, in order, until the link ends.</summary>
    /// <returns>Completes when the other end closed the link; faults when it reset or this end closed it.</returns>
    public Task ReceiveAsync(Func<ReadOnlyMemory<byte>, ValueTask> deliver) => DatagramFrameReader.ReadAsync(_stream, deliver);

    /// <summary>A FIN both ways: the other end reads the end of the link, and so does <see cref="ReceiveAsync"/> here.</summary>
    public void Close()
    {
        _writer.Close();
        SocketTermination.ShutdownBoth(_socket);
    }

    /// <summary>A reset: for a link that failed, or a process that is closing.</summary>
    public void Abort()
    {
        _writer.Close();
        SocketTermination.Reset(_socket);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _writer.Close();
        _tls?.Dispose();
        _socket.Dispose();
    }
}
