using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace GrandAmbassador.Proxy.Tests.Support;

/// <summary>Certificates for the relay links the tests stand up on loopback; the ambassador's side trusts any.</summary>
internal static class TestCertificates
{
    /// <summary>A self-signed EC P-256 certificate with its key, valid from a day ago for a day.</summary>
    public static X509Certificate2 SelfSigned(string name = "test-relay")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Exported and re-imported: an ephemeral key cannot serve TLS on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }
}
