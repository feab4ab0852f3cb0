using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using GrandAmbassador.Proxy.HostRelay.Mux;
using GrandAmbassador.Proxy.Tcp;
using GrandAmbassador.Proxy.Udp;

namespace GrandAmbassador.Proxy.Tests.Support;

/// <summary>
/// Two ends of one relayed UDP session on loopback, as the ambassador and the relay hold it after go, with a
/// <see cref="RelayedDatagramLink"/> at each end: a plaintext relay's TCP connection of its own, or a stream of a
/// multiplexed link over TLS (<see cref="MuxLink"/>), as the product makes them.
/// </summary>
internal sealed class LinkPair : IAsyncDisposable
{
    private readonly IAsyncDisposable[] _owned;

    private LinkPair(RelayedDatagramLink ambassador, RelayedDatagramLink relay, Socket? relaySocket, params IAsyncDisposable[] owned)
    {
        Ambassador = ambassador;
        Relay = relay;
        RelaySocket = relaySocket;
        _owned = owned;
    }

    public RelayedDatagramLink Ambassador { get; }

    public RelayedDatagramLink Relay { get; }

    /// <summary>The relay's TCP connection, for a plaintext pair: what is on the wire.</summary>
    public Socket? RelaySocket { get; }

    public static async Task<LinkPair> ConnectAsync(bool multiplexed)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await client.ConnectAsync(listener.LocalEndPoint!).WaitAsync(TestTimeouts.Hang);
        var server = await listener.AcceptAsync().WaitAsync(TestTimeouts.Hang);
        server.NoDelay = true;
        if (!multiplexed)
        {
            return new LinkPair(new RelayedDatagramLink(CopyEnd.Of(client)), new RelayedDatagramLink(CopyEnd.Of(server)), server);
        }

        using var certificate = TestCertificates.SelfSigned();
        var clientTls = new SslStream(new NetworkStream(client, ownsSocket: true));
        var serverTls = new SslStream(new NetworkStream(server, ownsSocket: true));
        await Task.WhenAll(
            clientTls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "relay", RemoteCertificateValidationCallback = (_, _, _, _) => true }),
            serverTls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate })).WaitAsync(TestTimeouts.Hang);

        var opened = new TaskCompletionSource<MuxStream>(TaskCreationOptions.RunContinuationsAsynchronously);
        var relaySide = new MuxLink(serverTls, (_, stream, _) => opened.TrySetResult(stream));
        var ambassadorSide = new MuxLink(clientTls, onOpen: null);
        _ = relaySide.RunAsync();
        _ = ambassadorSide.RunAsync();
        var ambassadorStream = ambassadorSide.Open("{}"u8);
        var relayStream = await opened.Task.WaitAsync(TestTimeouts.Hang);
        return new LinkPair(
            new RelayedDatagramLink(CopyEnd.Of(ambassadorStream)), new RelayedDatagramLink(CopyEnd.Of(relayStream)), relaySocket: null, ambassadorSide, relaySide);
    }

    public async ValueTask DisposeAsync()
    {
        Ambassador.Dispose();
        Relay.Dispose();
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }
    }
}
