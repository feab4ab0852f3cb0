using System.Net;
using System.Security.Cryptography.X509Certificates;
using GrandAmbassador.Security;

namespace GrandAmbassador.Host.Tests.Security;

public sealed class CaChainValidatorTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    [Fact]
    public void HostCertificate_FromTheClusterCa_IsAccepted()
    {
        using var ca = CertificateIssuer.CreateAuthority("cluster", Now);
        using var host = CertificateIssuer.CreateHost(ca, "host-a", [IPAddress.Parse("10.0.0.1")], [], Now);

        Assert.Null(CaChainValidator.Check(host, null, [PublicOnly(ca)]));
    }

    [Fact]
    public void HostCertificate_FromAnotherCa_IsRefused_NamingItsIssuer()
    {
        using var ca = CertificateIssuer.CreateAuthority("cluster", Now);
        using var other = CertificateIssuer.CreateAuthority("intruder", Now);
        using var host = CertificateIssuer.CreateHost(other, "host-x", [], [], Now);

        var problem = CaChainValidator.Check(host, null, [PublicOnly(ca)]);

        Assert.NotNull(problem);
        Assert.Contains("CN=intruder", problem);
    }

    [Fact]
    public void HostCertificate_FromAnotherCaOfTheSameName_IsRefused_SayingItsKeyIsNotTheClusterCas()
    {
        // Every `tls ca` names its CA the same by default: "issued by CN=cluster, not by the cluster CA" would puzzle.
        using var ca = CertificateIssuer.CreateAuthority("cluster", Now);
        using var sameName = CertificateIssuer.CreateAuthority("cluster", Now);
        using var host = CertificateIssuer.CreateHost(sameName, "host-x", [], [], Now);

        var problem = CaChainValidator.Check(host, null, [PublicOnly(ca)]);

        Assert.Equal("issued by another CA named CN=cluster (its key is not the cluster CA's)", problem);
    }

    [Fact]
    public void SelfSignedCertificate_WithTheClusterCasName_IsRefused()
    {
        using var ca = CertificateIssuer.CreateAuthority("cluster", Now);
        using var lookalike = CertificateIssuer.CreateAuthority("cluster", Now);

        Assert.NotNull(CaChainValidator.Check(lookalike, null, [PublicOnly(ca)]));
    }

    [Fact]
    public void ExpiredHostCertificate_IsRefused()
    {
        var longAgo = Now.AddYears(-3);
        using var ca = CertificateIssuer.CreateAuthority("cluster", longAgo);
        using var host = CertificateIssuer.CreateHost(ca, "host-a", [], [], longAgo);

        Assert.NotNull(CaChainValidator.Check(host, null, [PublicOnly(ca)]));
    }

    [Fact]
    public void HostCertificate_CarriesClientAndServerUse_AndItsNamesAndAddresses()
    {
        using var ca = CertificateIssuer.CreateAuthority("cluster", Now);
        using var host = CertificateIssuer.CreateHost(ca, "host-a", [IPAddress.Parse("10.0.0.1")], ["a.example"], Now);

        var usages = host.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(oid => oid.Value);
        Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], usages);
        var names = host.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["host-a", "a.example"], names.EnumerateDnsNames());
        Assert.Equal([IPAddress.Parse("10.0.0.1")], names.EnumerateIPAddresses());
        Assert.Equal("CN=host-a", host.Subject);
    }

    private static X509Certificate2 PublicOnly(X509Certificate2 certificate) => X509CertificateLoader.LoadCertificate(certificate.RawData);
}
