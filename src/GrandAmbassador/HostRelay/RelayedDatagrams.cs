using System.Buffers;
using System.Net.Sockets;
using GrandAmbassador.Proxy.Diagnostics;
using GrandAmbassador.Proxy.Udp;

namespace GrandAmbassador.HostRelay;

/// <summary>
/// One UDP session the relay passes on to a container, once it said go: the link's datagrams (<see cref="RelayedDatagramLink"/>)
/// sent from a UDP socket connected to the container, so that the container sees one stable peer per session as it does
/// from a local ambassador, and the container's datagrams framed back. The session is the link's: it ends when the
/// ambassador closes the link (its session idled out or was closed), and it closes the link when the container's
/// socket fails (an ICMP port unreachable: the container is gone), so that the client's next datagram starts a new
/// session towards whatever runs now, as on the direct path.
/// </summary>
internal sealed class RelayedDatagrams : IRelayedFlow
{
    private readonly RelayedDatagramLink _link;
    private readonly Socket _container;
    private readonly PortCounts _counts;
    private long _bytesToContainer;
    private long _bytesFromContainer;

    /// <param name="link">The link that said go; disposed by the caller once <see cref="RunAsync"/> has completed.</param>
    /// <param name="container">A UDP socket connected to the container; disposed here when the session ends.</param>
    /// <param name="counts">The relay's instruments: datagrams both ways and those dropped.</param>
    public RelayedDatagrams(RelayedDatagramLink link, Socket container, PortCounts counts)
    {
        _link = link;
        _container = container;
        _counts = counts;
    }

    public long BytesToContainer => Interlocked.Read(ref _bytesToContainer);

    public long BytesFromContainer => Interlocked.Read(ref _bytesFromContainer);

    /// <summary>Relays both ways; completes once the link has ended and the container's socket is closed.</summary>
    public async Task RunAsync()
    {
        var fromContainer = FromContainerAsync();
        try
        {
            await _link.ReceiveAsync(ToContainerAsync).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // The ambassador reset the link, or this end closed it (the container is gone, a drain, shutdown).
        }
        finally
        {
            // The link ended: so does the session. A FIN tells the ambassador (a no-op if it closed first), and
            // closing the container's socket ends the other direction's receive.
            _link.Close();
            _container.Dispose();
        }

        await fromContainer.ConfigureAwait(false);
    }

    public void Close() => _link.Close();

    public void Abort()
    {
        _link.Abort();
        _container.Dispose();
    }

    private async ValueTask ToContainerAsync(ReadOnlyMemory<byte> datagram)
    {
        try
        {
            await _container.SendAsync(datagram, SocketFlags.None).ConfigureAwait(false);
            _counts.UdpDatagramsUpstream.Add(1);
            Interlocked.Add(ref _bytesToContainer, datagram.Length);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.MessageSize or SocketError.NoBufferSpaceAvailable)
        {
            // Too long for the container's address family (a PROXY header on a 65,507-byte datagram), or no room
            // now: this datagram is lost, as on the direct path, and the session goes on.
            _counts.UdpDatagramsDropped.Add(1);
        }
    }

    private async Task FromContainerAsync()
    {
        while (true)
        {
            byte[]? buffer = null;
            try
            {
                // A peek with no buffer waits for a datagram without consuming it: an idle session holds no buffer.
                await _container.ReceiveAsync(Memory<byte>.Empty, SocketFlags.Peek).ConfigureAwait(false);
                buffer = ArrayPool<byte>.Shared.Rent(UdpPortListener.MaxDatagramSize);
                var read = await _container.ReceiveAsync(buffer.AsMemory(0, UdpPortListener.MaxDatagramSize), SocketFlags.None).ConfigureAwait(false);
                if (_link.TrySend(default, buffer.AsSpan(0, read)))
                {
                    _counts.UdpDatagramsDownstream.Add(1);
                    Interlocked.Add(ref _bytesFromContainer, read);
                }
                else
                {
                    _counts.UdpDatagramsDropped.Add(1);
                }
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException { SocketErrorCode: SocketError.OperationAborted })
            {
                // The session ended (the link did).
                return;
            }
            catch (SocketException)
            {
                // Typically ConnectionRefused: an ICMP port unreachable came back from the container. The link's end
                // tells the ambassador, whose session then ends too.
                _link.Close();
                return;
            }
            finally
            {
                if (buffer is not null)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
    }
}
