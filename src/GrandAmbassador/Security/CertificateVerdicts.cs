using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace GrandAmbassador.Security;

/// <summary>
/// <see cref="CaChainValidator"/>'s verdicts, remembered per certificate: building a chain costs more CPU than the rest
/// of a TLS handshake, and a relay sees the same few peer certificates on every connection. The same bytes always get
/// the same verdict against the same CA, until the certificate expires; only passes are kept (a refused peer is rare and
/// its certificate is judged each time), at most <see cref="Capacity"/> of them.
/// </summary>
internal sealed class CertificateVerdicts(X509Certificate2Collection authorities, TimeProvider time)
{
    public const int Capacity = 1024;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _passed = new(StringComparer.Ordinal);

    /// <summary>Null when <paramref name="certificate"/> chains to the cluster CA; otherwise why not.</summary>
    public string? Check(X509Certificate certificate, X509Chain? chain)
    {
        var certificate2 = certificate as X509Certificate2 ?? new X509Certificate2(certificate);
        var key = Convert.ToHexString(SHA256.HashData(certificate2.RawDataMemory.Span));
        var now = time.GetUtcNow();
        if (_passed.TryGetValue(key, out var notAfter) && now < notAfter)
        {
            return null;
        }

        var problem = CaChainValidator.Check(certificate2, chain, authorities);
        if (problem is null)
        {
            if (_passed.Count >= Capacity)
            {
                _passed.Clear();
            }

            _passed[key] = certificate2.NotAfter.ToUniversalTime();
        }

        return problem;
    }
}
