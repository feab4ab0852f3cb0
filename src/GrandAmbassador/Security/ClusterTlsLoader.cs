using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using GrandAmbassador.Configuration;

namespace GrandAmbassador.Security;

/// <summary>
/// Reads <c>--tls-cert</c>, <c>--tls-key</c> and <c>--tls-ca</c> (PEM, as openssl or <c>tls cert</c>
/// writes them: RSA or EC keys, PKCS#1, SEC1 or PKCS#8); a problem is one line naming the file.
/// </summary>
internal static class ClusterTlsLoader
{
    public static ClusterTls? Load(string? certificateFile, string? keyFile, string? caFile)
    {
        if (certificateFile is null && keyFile is null && caFile is null)
        {
            return null;
        }

        if (certificateFile is null || keyFile is null || caFile is null)
        {
            throw new InvalidSettingException("--tls-cert, --tls-key and --tls-ca go together: give all three");
        }

        var authorities = PemAuthorities.Load(caFile, "--tls-ca");
        var certificate = LoadCertificate(certificateFile, keyFile);
        if (CaChainValidator.Check(certificate, null, authorities) is { } problem)
        {
            throw new InvalidSettingException($"--tls-cert {certificateFile}: not issued by --tls-ca {caFile} ({problem})");
        }

        return new ClusterTls(certificate, authorities);
    }

    private static X509Certificate2 LoadCertificate(string certificateFile, string keyFile)
    {
        if (!File.Exists(certificateFile))
        {
            throw new InvalidSettingException($"--tls-cert {certificateFile}: no such file");
        }

        if (!File.Exists(keyFile))
        {
            throw new InvalidSettingException($"--tls-key {keyFile}: no such file");
        }

        try
        {
            return X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new InvalidSettingException($"--tls-cert {certificateFile} with --tls-key {keyFile}: {PemProblem.Describe(exception)}");
        }
    }
}
