using System.Security.Cryptography.X509Certificates;

namespace GrandAmbassador.Configuration;

/// <summary>
/// This host's certificate (with its private key) and the cluster's CA: every silo and client of
/// the cluster presents a certificate issued by that CA, and accepts only peers whose chain ends there.
/// </summary>
internal sealed record ClusterTls(X509Certificate2 Certificate, X509Certificate2Collection Authorities)
{
    /// <summary>The name outbound connections ask for (SNI); peers are checked by CA, not by name.</summary>
    public const string TargetHost = "grand-ambassador";
}
