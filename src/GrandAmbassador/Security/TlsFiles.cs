using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using GrandAmbassador.Configuration;

namespace GrandAmbassador.Security;

/// <summary>
/// Where <c>tls ca</c> and <c>tls cert</c> put their PEM files. Keys are created readable by their
/// owner only (0600), and nothing is overwritten: a new CA by mistake would cut every host off.
/// </summary>
internal static class TlsFiles
{
    public const string CaCertificate = "ca.pem";
    public const string CaKey = "ca-key.pem";

    public static string HostCertificate(string hostId) => $"{hostId}.pem";

    public static string HostKey(string hostId) => $"{hostId}-key.pem";

    public static void Write(string directory, string certificateFile, string keyFile, X509Certificate2 certificate, string? copyCaFrom = null)
    {
        Directory.CreateDirectory(directory);
        var certificatePath = Path.Combine(directory, certificateFile);
        var keyPath = Path.Combine(directory, keyFile);
        foreach (var path in new[] { certificatePath, keyPath })
        {
            if (File.Exists(path))
            {
                throw new InvalidSettingException($"{path}: already exists (remove it first: nothing is overwritten)");
            }
        }

        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("certificate without an EC key");
        WriteFile(keyPath, key.ExportPkcs8PrivateKeyPem(), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        WriteFile(certificatePath, certificate.ExportCertificatePem() + "\n", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        if (copyCaFrom is not null && Path.GetFullPath(Path.Combine(directory, CaCertificate)) != Path.GetFullPath(copyCaFrom))
        {
            File.Copy(copyCaFrom, Path.Combine(directory, CaCertificate), overwrite: true);
        }
    }

    public static X509Certificate2 ReadAuthority(string directory)
    {
        var certificate = Path.Combine(directory, CaCertificate);
        var key = Path.Combine(directory, CaKey);
        if (!File.Exists(certificate) || !File.Exists(key))
        {
            throw new InvalidSettingException($"--ca {directory}: expected {CaCertificate} and {CaKey} in it (made by 'grand-ambassador tls ca')");
        }

        try
        {
            return X509Certificate2.CreateFromPemFile(certificate, key);
        }
        catch (Exception exception) when (exception is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidSettingException($"--ca {directory}: cannot read {CaCertificate} with {CaKey}: {exception.Message.Split('\n')[0]}");
        }
    }

    private static void WriteFile(string path, string text, UnixFileMode mode)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        using var writer = new StreamWriter(path, System.Text.Encoding.ASCII, options);
        writer.Write(text);
    }
}
