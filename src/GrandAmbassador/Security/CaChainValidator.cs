using System.Security.Cryptography.X509Certificates;

namespace GrandAmbassador.Security;

/// <summary>
/// Builds a peer's chain against the cluster CA alone: the machine's trust store plays no part, so a
/// certificate from any public CA is refused like a self-signed one.
/// </summary>
internal static class CaChainValidator
{
    /// <summary>Null when <paramref name="certificate"/> chains to one of <paramref name="authorities"/>; otherwise why not.</summary>
    public static string? Check(X509Certificate2 certificate, X509Chain? presented, X509Certificate2Collection authorities)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        // A cluster CA publishes no revocation list; a compromised host is removed by issuing a new CA.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        if (presented is not null)
        {
            // Intermediates the peer sent along (if it has any).
            foreach (var element in presented.ChainElements)
            {
                if (!element.Certificate.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span))
                {
                    chain.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }
        }

        if (chain.Build(certificate))
        {
            return null;
        }

        var statuses = chain.ChainStatus.Select(status => status.Status).Where(status => status != X509ChainStatusFlags.NoError).Distinct().ToList();
        if (!statuses.Contains(X509ChainStatusFlags.PartialChain) && !statuses.Contains(X509ChainStatusFlags.UntrustedRoot))
        {
            return string.Join(", ", statuses);
        }

        // Every `tls ca` names its CA the same by default: a CA of the same name is told apart by its key.
        return authorities.Any(authority => authority.Subject == certificate.Issuer)
            ? $"issued by another CA named {certificate.Issuer} (its key is not the cluster CA's)"
            : $"issued by {certificate.Issuer}, not by the cluster CA";
    }
}
