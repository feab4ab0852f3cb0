using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using GrandAmbassador.Configuration;

namespace GrandAmbassador.Security;

/// <summary>
/// Mutual TLS between ambassadors and relays: the silo's certificate and the silo's CA check (<see cref="ClusterSecurity"/>),
/// built for a handshake per connection. What can be prepared once is: this host's certificate context (its chain built
/// once, offline), the chain policy (the cluster CA alone, no downloads, no revocation lists) and the verdicts on peers'
/// certificates (<see cref="CertificateVerdicts"/>). One client options object serves every link, so that TLS sessions
/// can be resumed.
/// </summary>
internal sealed class RelayTls
{
    private readonly SslStreamCertificateContext _local;
    private readonly X509ChainPolicy _chainPolicy;
    private readonly CertificateVerdicts _verdicts;

    public RelayTls(ClusterTls tls, TimeProvider time)
    {
        _local = SslStreamCertificateContext.Create(tls.Certificate, additionalCertificates: null, offline: true);
        _chainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
        };
        _chainPolicy.CustomTrustStore.AddRange(tls.Authorities);
        _verdicts = new CertificateVerdicts(tls.Authorities, time);
        Client = new SslClientAuthenticationOptions
        {
            TargetHost = ClusterTls.TargetHost,
            ClientCertificateContext = _local,
            CertificateChainPolicy = _chainPolicy,
            // Peers are checked by CA, not by name (ClusterTls.TargetHost): the verdict alone decides.
            RemoteCertificateValidationCallback = (_, certificate, chain, _) => certificate is not null && _verdicts.Check(certificate, chain) is null,
        };
    }

    /// <summary>How an ambassador proves itself to a relay and checks it.</summary>
    public SslClientAuthenticationOptions Client { get; }

    /// <summary>A relay's options for one connection; <paramref name="refused"/> hears why a peer's certificate was refused.</summary>
    public SslServerAuthenticationOptions Server(Action<string> refused) => new()
    {
        ServerCertificateContext = _local,
        ClientCertificateRequired = true,
        CertificateChainPolicy = _chainPolicy,
        RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
        {
            if (certificate is null)
            {
                refused("it presented no certificate");
                return false;
            }

            if (_verdicts.Check(certificate, chain) is { } problem)
            {
                refused($"its certificate {certificate.Subject} is {problem}");
                return false;
            }

            return true;
        },
    };
}
