using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using GrandAmbassador.Configuration;

namespace GrandAmbassador.Host.Tests.HostRelay;

/// <summary>A cluster CA and one host certificate from it, made in memory: both ends of a relay's mutual TLS in one process.</summary>
internal static class RelayTlsIdentity
{
    public static ClusterTls Create()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=relay-test-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        using var hostKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var hostRequest = new CertificateRequest("CN=relay-test-host", hostKey, HashAlgorithmName.SHA256);
        hostRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        using var issued = hostRequest.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3, 4]);
        using var withKey = issued.CopyWithPrivateKey(hostKey);

        // Through PKCS#12: a key SslStream can use on every platform.
        var host = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), password: null);
        var authority = X509CertificateLoader.LoadCertificate(ca.RawData);
        ca.Dispose();
        return new ClusterTls(host, [authority]);
    }
}
