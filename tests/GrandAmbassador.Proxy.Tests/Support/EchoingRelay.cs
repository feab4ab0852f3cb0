using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using GrandAmbassador.Proxy.HostRelay;
using GrandAmbassador.Proxy.Udp;

namespace GrandAmbassador.Proxy.Tests.Support;

/// <summary>
/// A host relay as the ambassador sees one, plaintext on loopback: it reads each link's request, says go, and echoes
/// every datagram of the link back on it, as a relay in front of a UDP echo container would. It records the requests,
/// the datagrams as they arrived (header and all), and when each link ended.
/// </summary>
internal sealed class EchoingRelay : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly ConcurrentBag<RelayedDatagramLink> _links = [];
    private readonly Task _accepting;

    public EchoingRelay()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen();
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        _accepting = AcceptLoopAsync();
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>Each link's request, as it was accepted.</summary>
    public Channel<RelayRequest> Requests { get; } = Channel.CreateUnbounded<RelayRequest>();

    /// <summary>Every datagram that arrived on any link, as it arrived.</summary>
    public Channel<byte[]> Datagrams { get; } = Channel.CreateUnbounded<byte[]>();

    /// <summary>Told once for each link that ended, whichever end closed it.</summary>
    public Channel<RelayedDatagramLink> Ended { get; } = Channel.CreateUnbounded<RelayedDatagramLink>();

    /// <summary>Closes every link from the relay's end (a FIN), as a relay whose container is gone does.</summary>
    public void CloseLinks()
    {
        foreach (var link in _links)
        {
            link.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await _accepting;
        foreach (var link in _links)
        {
            link.Dispose();
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket peer;
            try
            {
                peer = await _listener.AcceptAsync();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ServeAsync(peer);
        }
    }

    private async Task ServeAsync(Socket peer)
    {
        var stream = new NetworkStream(peer, ownsSocket: false);
        var (request, _) = await RelayWire.ReadRequestAsync(stream, CancellationToken.None);
        await stream.WriteAsync(RelayWire.EncodeReply(RelayReply.Go));
        Requests.Writer.TryWrite(request!);
        var link = new RelayedDatagramLink(peer, null);
        _links.Add(link);
        try
        {
            await link.ReceiveAsync(datagram =>
            {
                Datagrams.Writer.TryWrite(datagram.ToArray());
                link.TrySend([], datagram.Span);
                return ValueTask.CompletedTask;
            });
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // Reset, or disposed at the end of the test.
        }

        Ended.Writer.TryWrite(link);
    }
}
