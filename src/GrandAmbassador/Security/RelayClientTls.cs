using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using GrandAmbassador.Configuration;

namespace GrandAmbassador.Security;

/// <summary>
/// The ambassador's side of mutual TLS with other hosts' relays: the same certificate and the same CA check as its silo's
/// links (<see cref="ClusterSecurity"/>). One options object for every link, so that TLS sessions can be resumed.
/// </summary>
internal static class RelayClientTls
{
    public static SslClientAuthenticationOptions Create(ClusterTls tls) => new()
    {
        TargetHost = ClusterTls.TargetHost,
        ClientCertificates = [tls.Certificate],
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
            certificate is not null
            && CaChainValidator.Check(certificate as X509Certificate2 ?? new X509Certificate2(certificate), chain, tls.Authorities) is null,
    };
}
