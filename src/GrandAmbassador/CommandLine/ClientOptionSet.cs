using System.CommandLine;
using GrandAmbassador.Security;

namespace GrandAmbassador.CommandLine;

/// <summary>The options of every command that is a client of a running cluster (<c>status</c>, <c>drain</c>, <c>undrain</c>).</summary>
internal sealed class ClientOptionSet
{
    public Option<Uri?> Cluster { get; } = TypedOption.Create<Uri?>(
        "--cluster", RedisClusterUri.Form, "The cluster's Redis (prefer --cluster-file). Without it: the single-host ambassador on this machine.",
        ClusterUrlReader.ParseUrl, () => null, null);

    public SecurityOptionSet Security { get; } = new();

    public Option<string> ClusterId { get; } = TypedOption.Create(
        "--cluster-id", "ID", "The cluster's id.", OptionParsers.NonEmpty("--cluster-id"), () => "grand-ambassador", null);

    public Option<int?> GatewayPort { get; } = TypedOption.Create(
        "--gateway-port", "PORT", "The single-host ambassador's gateway port (it logs it at start).", OptionParsers.Port("--gateway-port"), () => 30000, null);

    public void AddTo(Command command)
    {
        command.Options.Add(Cluster);
        command.Options.Add(ClusterId);
        command.Options.Add(GatewayPort);
        foreach (var option in Security.ForClients)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The validated settings; throws <see cref="StartupException"/> on bad input.</summary>
    public ClusterClientSettings Read(ParseResult parse) =>
        new(
            ClusterUrlReader.Read(parse.GetValue(Cluster), parse.GetValue(Security.ClusterFile)),
            parse.GetValue(ClusterId)!,
            parse.GetValue(GatewayPort) ?? 30000,
            SettingsReader.ReadSecurity(parse, Security));
}
