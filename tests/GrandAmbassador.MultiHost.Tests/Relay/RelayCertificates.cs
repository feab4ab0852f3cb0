using System.Security.Cryptography.X509Certificates;
using GrandAmbassador.MultiHost.Tests.Lab;
using GrandAmbassador.Testing;

namespace GrandAmbassador.MultiHost.Tests.Relay;

/// <summary>
/// The certificates of one relay test, made as a user makes them with grand-ambassador's own <c>tls ca</c> and
/// <c>tls cert</c>: the cluster's CA, a certificate for each lab host (its lab address as <c>--ip</c>) and one for the
/// test itself (<see cref="ProbeIdentity"/>, for status and for talking to a relay directly); and a second CA with a
/// certificate of the same shape, which no relay of the cluster may accept.
/// </summary>
internal sealed class RelayCertificates : IDisposable
{
    public const string ProbeIdentity = "ga-relay-probe";

    private readonly TestCertificates _files;
    private readonly string _cluster;
    private readonly string _other;

    private RelayCertificates(TestCertificates files, string cluster, string other)
    {
        _files = files;
        _cluster = cluster;
        _other = other;
    }

    public static async Task<RelayCertificates> MakeAsync()
    {
        var files = new TestCertificates();
        try
        {
            var cluster = await files.OwnCaAsync("cluster");
            foreach (var host in MultiHostLab.LabHosts)
            {
                await files.OwnHostAsync(cluster, MultiHostLab.HostId(host), MultiHostLab.Address(host));
            }

            // The test runs in the root namespace, which reaches the lab at the bridge's address.
            await files.OwnHostAsync(cluster, ProbeIdentity, "10.231.0.1");
            var other = await files.OwnCaAsync("other");
            await files.OwnHostAsync(other, ProbeIdentity, "10.231.0.1");
            return new RelayCertificates(files, cluster, other);
        }
        catch
        {
            files.Dispose();
            throw;
        }
    }

    /// <summary><c>--tls-cert</c>, <c>--tls-key</c> and <c>--tls-ca</c> of a lab host's ambassador.</summary>
    public string[] HostOptions(string host) => Options(MultiHostLab.HostId(host));

    /// <summary>The same options for the test's own identity (status).</summary>
    public string[] ProbeOptions => Options(ProbeIdentity);

    /// <summary>The cluster CA (what the test checks a relay's certificate against).</summary>
    public X509Certificate2 ClusterCa => X509CertificateLoader.LoadCertificateFromFile(Path.Combine(_cluster, ProbeIdentity, "ca.pem"));

    /// <summary>The test's certificate with its key: from the cluster CA, or (<paramref name="fromOtherCa"/>) from the other one.</summary>
    public X509Certificate2 Probe(bool fromOtherCa = false)
    {
        var directory = Path.Combine(fromOtherCa ? _other : _cluster, ProbeIdentity);
        using var pem = X509Certificate2.CreateFromPemFile(Path.Combine(directory, ProbeIdentity + ".pem"), Path.Combine(directory, ProbeIdentity + "-key.pem"));
        // Through PKCS#12, so that the key is one SslStream can use on every platform (a PEM key is ephemeral).
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
    }

    public void Dispose() => _files.Dispose();

    private string[] Options(string identity) =>
    [
        "--tls-cert", Path.Combine(_cluster, identity, identity + ".pem"), "--tls-key", Path.Combine(_cluster, identity, identity + "-key.pem"),
        "--tls-ca", Path.Combine(_cluster, identity, "ca.pem"),
    ];
}
