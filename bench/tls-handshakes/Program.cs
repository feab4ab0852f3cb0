// CPU per TLS handshake with SslStream on loopback, both ends in this process: what a relayed connection would pay if
// it made a TLS connection of its own (docs/architecture.md#the-host-relay). Certificates are made here, EC P-256 as
// `grand-ambassador tls` makes them, a CA and two hosts.
//   dotnet run -c Release -- [mutual|noresume|nocert] [handshakes]
using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

var mode = args.Length > 0 ? args[0] : "mutual";
var count = args.Length > 1 ? int.Parse(args[1]) : 500;
using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
var caRequest = new CertificateRequest("CN=bench CA", caKey, HashAlgorithmName.SHA256);
caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
var server = Host("host-a");
var client = Host("host-c");
var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck, DisableCertificateDownloads = true };
policy.CustomTrustStore.Add(ca);
var serverContext = SslStreamCertificateContext.Create(server, null, offline: true);
var clientContext = SslStreamCertificateContext.Create(client, null, offline: true);
var mutual = mode != "nocert";

using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
listener.Listen(128);
var endpoint = (IPEndPoint)listener.LocalEndPoint!;
_ = Task.Run(async () =>
{
    while (true)
    {
        var socket = await listener.AcceptAsync();
        _ = Task.Run(async () =>
        {
            using var tls = new SslStream(new NetworkStream(socket, ownsSocket: true));
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = serverContext, ClientCertificateRequired = mutual, CertificateChainPolicy = policy,
                RemoteCertificateValidationCallback = (_, _, _, errors) => (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == 0 || !mutual,
            });
            await tls.ReadExactlyAsync(new byte[1]);
        });
    }
});

var options = new SslClientAuthenticationOptions
{
    TargetHost = "grand-ambassador", CertificateChainPolicy = policy, ClientCertificateContext = mutual ? clientContext : null,
    RemoteCertificateValidationCallback = (_, _, _, errors) => (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == 0,
    AllowTlsResume = mode != "noresume",
};

for (var i = 0; i < 50; i++)
{
    await HandshakeAsync();
}

var process = Process.GetCurrentProcess();
process.Refresh();
var cpu = process.TotalProcessorTime;
var wall = Stopwatch.StartNew();
for (var i = 0; i < count; i++)
{
    await HandshakeAsync();
}

process.Refresh();
Console.WriteLine($"{mode}: {(process.TotalProcessorTime - cpu).TotalMilliseconds * 1000 / count:F0} us CPU per handshake (both ends), {wall.Elapsed.TotalMilliseconds * 1000 / count:F0} us wall, {count} handshakes");

async Task HandshakeAsync()
{
    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    await socket.ConnectAsync(endpoint);
    using var tls = new SslStream(new NetworkStream(socket, ownsSocket: true));
    await tls.AuthenticateAsClientAsync(options);
    await tls.WriteAsync(new byte[] { 1 });
}

X509Certificate2 Host(string name)
{
    using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
    request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
    using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), RandomNumberGenerator.GetBytes(8));
    return X509CertificateLoader.LoadPkcs12(issued.CopyWithPrivateKey(key).Export(X509ContentType.Pkcs12), null);
}
