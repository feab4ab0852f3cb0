using System.CommandLine;

namespace GrandAmbassador.CommandLine;

/// <summary>The cluster's security options: mutual TLS, where the silo listens, the Redis CA and a URL kept in a file.</summary>
internal sealed class SecurityOptionSet
{
    public Option<string?> TlsCert { get; } = MainCommandOptions.Scalar<string?>(
        "--tls-cert", "FILE", "This host's certificate (PEM), issued by --tls-ca: turns on mutual TLS between silos and clients.", () => null, null);

    public Option<string?> TlsKey { get; } = MainCommandOptions.Scalar<string?>(
        "--tls-key", "FILE", "The private key of --tls-cert (PEM: RSA or EC, PKCS#1, SEC1 or PKCS#8, unencrypted).", () => null, null);

    public Option<string?> TlsCa { get; } = MainCommandOptions.Scalar<string?>(
        "--tls-ca", "FILE", "The cluster CA (PEM): peers are accepted only if their certificate chains to it.", () => null, null);

    public Option<string?> ClusterFile { get; } = MainCommandOptions.Scalar<string?>(
        "--cluster-file", "FILE", "A file holding the --cluster URL: keeps the Redis password off the command line (preferred).", () => null, null);

    public Option<string?> RedisCa { get; } = MainCommandOptions.Scalar<string?>(
        "--redis-ca", "FILE", "The CA (PEM) that issued the certificate of a rediss:// Redis, when not a public one.", () => null, null);

    public Option<bool> ClusterListenAny { get; } = new("--cluster-listen-any")
    {
        Description = $"With --cluster, the silo and gateway listen on every address, not only on --advertise (behind NAT or a port mapping). [env: {EnvironmentDefaults.VariableFor("--cluster-listen-any")}=true]",
        DefaultValueFactory = _ => bool.TryParse(EnvironmentDefaults.Get("--cluster-listen-any"), out var value) && value,
    };

    /// <summary>What <c>status</c> takes too: it is a client of the same cluster.</summary>
    public IEnumerable<Option> ForClients => [TlsCert, TlsKey, TlsCa, ClusterFile, RedisCa];

    public IEnumerable<Option> All => [.. ForClients, ClusterListenAny];
}
