using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace GrandAmbassador.MultiHost.Tests.Relay;

/// <summary>
/// A client of a host's relay written from the protocol as documented, not from the product's code: TLS (a client
/// certificate, or none), then <c>GAR1</c>, a big-endian 16-bit length and that many bytes of JSON; the reply is a
/// verdict byte, a big-endian 16-bit length and a reason. After go the stream carries the container's bytes.
/// </summary>
internal sealed class RelayProbe : IAsyncDisposable
{
    public const byte Go = 0;
    public const byte BadRequest = 1;
    public const byte NotReported = 2;

    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private readonly Socket _socket;
    private readonly SslStream _tls;

    private RelayProbe(Socket socket, SslStream tls, byte? verdict, string reason, string? failure)
    {
        _socket = socket;
        _tls = tls;
        Verdict = verdict;
        Reason = reason;
        Failure = failure;
    }

    /// <summary>The relay's verdict; null when it gave none (the handshake was refused, or the connection ended).</summary>
    public byte? Verdict { get; }

    public string Reason { get; }

    /// <summary>What happened instead of a reply, when there was none.</summary>
    public string? Failure { get; }

    /// <summary>After go: the container's bytes, through the relay.</summary>
    public Stream Stream => _tls;

    /// <summary>A request as the protocol describes it (the property names are the protocol's).</summary>
    public static byte[] Request(string name, string container, int port, string protocol = "tcp", string client = "10.231.0.1:40000")
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["name"] = name,
            ["container"] = container,
            ["port"] = port,
            ["protocol"] = protocol,
            ["client"] = client,
        });
        return Frame(body);
    }

    /// <summary><c>GAR1</c>, the body's length, the body.</summary>
    public static byte[] Frame(byte[] body)
    {
        var frame = new byte[6 + body.Length];
        "GAR1"u8.CopyTo(frame);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(4), (ushort)body.Length);
        body.CopyTo(frame, 6);
        return frame;
    }

    /// <summary>
    /// Connects to the relay at <paramref name="relay"/>, shakes hands with <paramref name="certificate"/> (or none),
    /// checks the relay's own certificate against <paramref name="clusterCa"/>, sends <paramref name="request"/> and
    /// reads the reply.
    /// </summary>
    public static async Task<RelayProbe> AskAsync(IPEndPoint relay, X509Certificate2? certificate, X509Certificate2 clusterCa, byte[] request)
    {
        using var guard = new CancellationTokenSource(Guard);
        var socket = new Socket(relay.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(relay, guard.Token);
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = "grand-ambassador",
                    ClientCertificates = certificate is null ? null : [certificate],
                    RemoteCertificateValidationCallback = (_, presented, _, _) => ChainsTo(presented, clusterCa),
                },
                guard.Token);
            await tls.WriteAsync(request, guard.Token);
            await tls.FlushAsync(guard.Token);
            var header = new byte[3];
            if (await tls.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, guard.Token) < header.Length)
            {
                return new RelayProbe(socket, tls, null, "", "the relay ended the connection without a reply");
            }

            var reason = new byte[BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(1))];
            await tls.ReadExactlyAsync(reason, guard.Token);
            return new RelayProbe(socket, tls, header[0], Encoding.UTF8.GetString(reason), null);
        }
        catch (Exception exception) when (exception is AuthenticationException or IOException)
        {
            // TLS 1.3: a client's handshake completes before the server judges its certificate, so a refusal
            // shows at the first read (an alert, a reset) as often as in the handshake itself.
            return new RelayProbe(socket, tls, null, "", $"{exception.GetType().Name}: {exception.Message}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _tls.DisposeAsync();
        _socket.Dispose();
    }

    private static bool ChainsTo(X509Certificate? presented, X509Certificate2 ca)
    {
        if (presented is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        return chain.Build(leaf);
    }
}
