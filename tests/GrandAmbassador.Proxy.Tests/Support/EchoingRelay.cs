using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using GrandAmbassador.Proxy.HostRelay;
using GrandAmbassador.Proxy.HostRelay.Mux;
using GrandAmbassador.Proxy.Tcp;
using GrandAmbassador.Proxy.Udp;

namespace GrandAmbassador.Proxy.Tests.Support;

/// <summary>
/// A host relay as the ambassador sees one, on loopback: plaintext (a TCP connection per session) or TLS with one
/// multiplexed link (<see cref="MuxLink"/>). It says go to every request and echoes each datagram of a session back on
/// it, as a relay in front of a UDP echo container would; it records the requests, the datagrams as they arrived
/// (header and all), and each session's end.
/// </summary>
internal sealed class EchoingRelay : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly ConcurrentBag<RelayedDatagramLink> _links = [];
    private readonly ConcurrentBag<IAsyncDisposable> _owned = [];
    private readonly X509Certificate2? _certificate;
    private readonly Task _accepting;

    public EchoingRelay(bool multiplexed = false)
    {
        _certificate = multiplexed ? TestCertificates.SelfSigned() : null;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen();
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        _accepting = AcceptLoopAsync();
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>Each session's request, as it was accepted.</summary>
    public Channel<RelayRequest> Requests { get; } = Channel.CreateUnbounded<RelayRequest>();

    /// <summary>Every datagram that arrived in any session, as it arrived.</summary>
    public Channel<byte[]> Datagrams { get; } = Channel.CreateUnbounded<byte[]>();

    /// <summary>Told once for each session that ended, whichever end closed it.</summary>
    public Channel<RelayedDatagramLink> Ended { get; } = Channel.CreateUnbounded<RelayedDatagramLink>();

    /// <summary>The ambassador's links to this relay when it is multiplexed (trusting its certificate); null when plaintext.</summary>
    public RelayLinks? ClientLinks() => _certificate is null ? null : TestRelay.ClientLinks();

    /// <summary>Closes every session from the relay's end (a FIN), as a relay whose container is gone does.</summary>
    public void CloseSessions()
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

        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        _certificate?.Dispose();
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

            _ = _certificate is null ? ServePlaintextAsync(peer) : ServeLinkAsync(peer, _certificate);
        }
    }

    private async Task ServePlaintextAsync(Socket peer)
    {
        var stream = new NetworkStream(peer, ownsSocket: false);
        var magic = await RelayWire.ReadMagicAsync(stream, CancellationToken.None);
        Assert.Equal(RelayWire.Magic.ToArray(), magic);
        var (request, _) = await RelayWire.ReadRequestAsync(stream, CancellationToken.None);
        await stream.WriteAsync(RelayWire.EncodeReply(RelayReply.Go));
        await EchoAsync(request!, CopyEnd.Of(peer));
    }

    private async Task ServeLinkAsync(Socket peer, X509Certificate2 certificate)
    {
        var tls = new SslStream(new NetworkStream(peer, ownsSocket: true));
        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate });
        var magic = new byte[4];
        await tls.ReadExactlyAsync(magic);
        Assert.Equal(MuxLink.Magic.ToArray(), magic);
        var link = new MuxLink(tls, (opened, stream, body) =>
        {
            stream.SendReply(RelayReply.Go);
            _ = EchoAsync(RelayWire.ParseRequest(body.Span).Request!, CopyEnd.Of(stream));
        });
        _owned.Add(link);
        await link.RunAsync();
    }

    private async Task EchoAsync(RelayRequest request, CopyEnd end)
    {
        Requests.Writer.TryWrite(request);
        var link = new RelayedDatagramLink(end);
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
