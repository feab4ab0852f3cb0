using System.CommandLine;

namespace GrandAmbassador.CommandLine;

/// <summary>The cluster's security options: mutual TLS, where the silo listens, the Redis CA and a URL kept in a file.</summary>
internal sealed class SecurityOptionSet
{
    public Option<FileInfo?> TlsCert { get; } = TypedOption.Create<FileInfo?>(
        "--tls-cert", "FILE", "This host's certificate (PEM), issued by --tls-ca: turns on mutual TLS between silos and clients.", OptionParsers.File("--tls-cert"), () => null, null);

    public Option<FileInfo?> TlsKey { get; } = TypedOption.Create<FileInfo?>(
        "--tls-key", "FILE", "The private key of --tls-cert (PEM: RSA or EC, PKCS#1, SEC1 or PKCS#8, unencrypted).", OptionParsers.File("--tls-key"), () => null, null);

    public Option<FileInfo?> TlsCa { get; } = TypedOption.Create<FileInfo?>(
        "--tls-ca", "FILE", "The cluster CA (PEM): peers are accepted only if their certificate chains to it.", OptionParsers.File("--tls-ca"), () => null, null);

    public Option<FileInfo?> ClusterFile { get; } = TypedOption.Create<FileInfo?>(
        "--cluster-file", "FILE", "A file holding the --cluster URL: keeps the Redis password off the command line (preferred).", OptionParsers.File("--cluster-file"), () => null, null);

    public Option<FileInfo?> RedisCa { get; } = TypedOption.Create<FileInfo?>(
        "--redis-ca", "FILE", "The CA (PEM) that issued the certificate of a rediss:// Redis, when not a public one.", OptionParsers.File("--redis-ca"), () => null, null);

    public Option<bool> ClusterListenAny { get; } = new("--cluster-listen-any")
    {
        Description = $"With --cluster, the silo and gateway listen on every address, not only on --advertise (behind NAT or a port mapping). [env: {EnvironmentDefaults.VariableFor("--cluster-listen-any")}=true]",
        DefaultValueFactory = _ => bool.TryParse(EnvironmentDefaults.Get("--cluster-listen-any"), out var value) && value,
    };

    /// <summary>What <c>status</c> takes too: it is a client of the same cluster.</summary>
    public IEnumerable<Option> ForClients => [TlsCert, TlsKey, TlsCa, ClusterFile, RedisCa];

    public IEnumerable<Option> All => [.. ForClients, ClusterListenAny];
}
