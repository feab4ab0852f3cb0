using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using GrandAmbassador.Proxy.Udp;

namespace GrandAmbassador.Proxy.Tests.Support;

/// <summary>
/// Two ends of one relay link on loopback, as the ambassador and the relay hold it after go: a TCP connection, with
/// TLS over it or not, and a <see cref="RelayedDatagramLink"/> at each end.
/// </summary>
internal sealed class LinkPair : IDisposable
{
    private LinkPair(RelayedDatagramLink ambassador, RelayedDatagramLink relay, Socket ambassadorSocket, Socket relaySocket)
    {
        Ambassador = ambassador;
        Relay = relay;
        AmbassadorSocket = ambassadorSocket;
        RelaySocket = relaySocket;
    }

    public RelayedDatagramLink Ambassador { get; }

    public RelayedDatagramLink Relay { get; }

    public Socket AmbassadorSocket { get; }

    public Socket RelaySocket { get; }

    public static async Task<LinkPair> ConnectAsync(bool tls)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await client.ConnectAsync(listener.LocalEndPoint!).WaitAsync(TestTimeouts.Hang);
        var server = await listener.AcceptAsync().WaitAsync(TestTimeouts.Hang);
        server.NoDelay = true;
        if (!tls)
        {
            return new LinkPair(new RelayedDatagramLink(client, null), new RelayedDatagramLink(server, null), client, server);
        }

        using var certificate = SelfSigned();
        var clientTls = new SslStream(new NetworkStream(client, ownsSocket: false));
        var serverTls = new SslStream(new NetworkStream(server, ownsSocket: false));
        await Task.WhenAll(
            clientTls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "relay", RemoteCertificateValidationCallback = (_, _, _, _) => true }),
            serverTls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate })).WaitAsync(TestTimeouts.Hang);
        return new LinkPair(new RelayedDatagramLink(client, clientTls), new RelayedDatagramLink(server, serverTls), client, server);
    }

    public void Dispose()
    {
        Ambassador.Dispose();
        Relay.Dispose();
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=relay", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Through PKCS#12: a key SslStream can use on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
    }
}
