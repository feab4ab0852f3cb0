using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using GrandAmbassador.Configuration;
using GrandAmbassador.Security;

namespace GrandAmbassador.Host.Tests.Security;

/// <summary>The PEM forms openssl writes: RSA PKCS#1 and PKCS#8, EC SEC1 and PKCS#8 keys.</summary>
public sealed class ClusterTlsLoaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ga-security-").FullName;

    [Theory]
    [InlineData("rsa-pkcs1", "-----BEGIN RSA PRIVATE KEY-----")]
    [InlineData("rsa-pkcs8", "-----BEGIN PRIVATE KEY-----")]
    [InlineData("ec-sec1", "-----BEGIN EC PRIVATE KEY-----")]
    [InlineData("ec-pkcs8", "-----BEGIN PRIVATE KEY-----")]
    public void PemCertificateAndKey_Load_WithTheirPrivateKey(string form, string keyHeader)
    {
        using var ca = CertificateIssuer.CreateAuthority("cluster", DateTimeOffset.UtcNow);
        var (certificate, key) = Issue(ca, form);
        Assert.StartsWith(keyHeader, File.ReadAllText(key));

        var tls = ClusterTlsLoader.Load(certificate, key, WriteCa(ca));

        Assert.NotNull(tls);
        Assert.True(tls.Certificate.HasPrivateKey);
        Assert.Equal("CN=host-a", tls.Certificate.Subject);
    }

    [Fact]
    public void NoTlsOption_MeansNoTls()
    {
        Assert.Null(ClusterTlsLoader.Load(null, null, null));
    }

    [Fact]
    public void OnlySomeOfTheThree_IsOneClearError()
    {
        var error = Assert.ThrowsAny<InvalidSettingException>(() => ClusterTlsLoader.Load("a.pem", null, "ca.pem"));

        Assert.Contains("--tls-cert, --tls-key and --tls-ca go together", error.Message);
    }

    [Fact]
    public void CertificateFromAnotherCa_IsRefusedAtStartUp()
    {
        using var ca = CertificateIssuer.CreateAuthority("cluster", DateTimeOffset.UtcNow);
        using var other = CertificateIssuer.CreateAuthority("other", DateTimeOffset.UtcNow);
        var (certificate, key) = Issue(other, "ec-pkcs8");

        var error = Assert.ThrowsAny<InvalidSettingException>(() => ClusterTlsLoader.Load(certificate, key, WriteCa(ca)));

        Assert.Contains("not issued by --tls-ca", error.Message);
    }

    [Fact]
    public void MissingOrGarbledFiles_AreOneLineNamingTheFile()
    {
        using var ca = CertificateIssuer.CreateAuthority("cluster", DateTimeOffset.UtcNow);
        var caFile = WriteCa(ca);
        var garbage = Path.Combine(_directory, "garbage.pem");
        File.WriteAllText(garbage, "not a certificate");

        Assert.Contains("no such file", Assert.ThrowsAny<InvalidSettingException>(() => ClusterTlsLoader.Load(Path.Combine(_directory, "none.pem"), garbage, caFile)).Message);
        Assert.Contains("--tls-ca " + garbage, Assert.ThrowsAny<InvalidSettingException>(() => ClusterTlsLoader.Load(garbage, garbage, garbage)).Message);
        var message = Assert.ThrowsAny<InvalidSettingException>(() => ClusterTlsLoader.Load(garbage, garbage, caFile)).Message;
        Assert.Contains("--tls-cert " + garbage, message);
        Assert.DoesNotContain('\n', message);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private (string Certificate, string Key) Issue(X509Certificate2 ca, string form)
    {
        using AsymmetricAlgorithm key = form.StartsWith("rsa", StringComparison.Ordinal) ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = key is RSA rsa
            ? new CertificateRequest("CN=host-a", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest("CN=host-a", (ECDsa)key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        // An EC CA signing an RSA key: the signature generator says how the CA signs.
        using var caKey = ca.GetECDsaPrivateKey()!;
        using var certificate = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3, 4]);
        var pem = form switch
        {
            "rsa-pkcs1" => ((RSA)key).ExportRSAPrivateKeyPem(),
            "ec-sec1" => ((ECDsa)key).ExportECPrivateKeyPem(),
            _ => key.ExportPkcs8PrivateKeyPem(),
        };
        var certificateFile = Path.Combine(_directory, form + ".pem");
        var keyFile = Path.Combine(_directory, form + "-key.pem");
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, pem);
        return (certificateFile, keyFile);
    }

    private string WriteCa(X509Certificate2 ca)
    {
        var file = Path.Combine(_directory, "ca.pem");
        File.WriteAllText(file, ca.ExportCertificatePem());
        return file;
    }
}
