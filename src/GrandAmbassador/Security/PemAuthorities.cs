using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using GrandAmbassador.Configuration;

namespace GrandAmbassador.Security;

/// <summary>Reads a CA file (PEM, one or more certificates) named by an option; a problem is one line naming both.</summary>
internal static class PemAuthorities
{
    public static X509Certificate2Collection Load(string file, string option)
    {
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(file);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new InvalidSettingException($"{option} {file}: {PemProblem.Describe(exception)}");
        }

        return authorities.Count > 0
            ? authorities
            : throw new InvalidSettingException($"{option} {file}: no PEM certificate in it");
    }
}
