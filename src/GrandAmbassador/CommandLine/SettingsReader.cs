using System.Collections.Frozen;
using System.CommandLine;
using GrandAmbassador.Configuration;
using GrandAmbassador.Docker.Common;
using GrandAmbassador.Security;
using GrandAmbassador.Http;

namespace GrandAmbassador.CommandLine;

/// <summary>
/// Turns a parse result into validated <see cref="AmbassadorSettings"/>, or one clear error. Single values come typed
/// (parsed at parse time, <see cref="TypedOption"/>); what is left here is the lists and what spans several options.
/// </summary>
internal static class SettingsReader
{
    public static AmbassadorSettings Read(ParseResult parse, MainCommandOptions options)
    {
        var names = (parse.GetValue(options.Name) ?? []).Select(NameValidator.Validate).Distinct(StringComparer.Ordinal).ToList();
        var noAgent = parse.GetValue(options.NoAgent);
        var mappings = (parse.GetValue(options.Port) ?? []).Select(PortMappingParser.Parse).ToList();
        if (names.Count == 0 && mappings.Count > 0)
        {
            throw new StartupException("--port needs a --name to forward to");
        }

        var services = PortMappingParser.Assign(names, mappings);
        return new AmbassadorSettings(
            Services: services,
            DockerEndpoint: parse.GetValue(options.Docker)!,
            ListenAddress: parse.GetValue(options.Listen)!,
            Wait: parse.GetValue(options.Wait),
            LogLevel: parse.GetValue(options.LogLevel),
            Cluster: ClusterUrlReader.Read(parse.GetValue(options.Cluster), parse.GetValue(options.Security.ClusterFile)),
            ClusterId: parse.GetValue(options.ClusterId)!,
            Host: AdvertiseAddressResolver.Identify(parse.GetValue(options.HostId)!, parse.GetValue(options.Advertise)?.ToString()),
            NoAgent: noAgent,
            SiloPort: parse.GetValue(options.SiloPort),
            GatewayPort: parse.GetValue(options.GatewayPort),
            Http: HttpSettingsReader.Read(
                parse.GetValue(options.Http),
                parse.GetValue(options.Http) is not null,
                parse.GetValue(options.HttpToken),
                parse.GetValue(options.HttpTokenFile),
                parse.GetValue(options.NoDashboard),
                services),
            Security: ReadSecurity(parse, options.Security),
            ProxyLimits: new ProxyLimitSettings(
                MaxConnections: parse.GetValue(options.MaxConnections),
                IdleTimeout: parse.GetValue(options.IdleTimeout),
                HalfCloseTimeout: parse.GetValue(options.HalfCloseTimeout),
                Drain: parse.GetValue(options.Drain)),
            MaxExposedPorts: parse.GetValue(options.MaxExposedPorts),
            RetryBeforeFirstByte: ReadFrontedNames(parse.GetValue(options.RetryBeforeFirstByte), names, "--retry-before-first-byte"),
            ProxyProtocol: ProxyProtocolReader.Read(parse.GetValue(options.ProxyProtocol), names),
            AcceptProxy: ReadFrontedNames(parse.GetValue(options.AcceptProxy), names, "--accept-proxy"),
            Access: AccessSettingsReader.Read(
                parse.GetValue(options.Allow), parse.GetValue(options.MaxConnectionsPerClient), parse.GetValue(options.ConnectionRatePerClient), names),
            PreferIpv6: parse.GetValue(options.PreferIpv6),
            Tuning: EnvironmentTuning.Read(),
            Relay: new RelaySettings(
                parse.GetValue(options.RelayPort) ?? RelaySettings.DefaultPort,
                parse.GetValue(options.RelayInsecure),
                parse.GetValue(options.CrossHost)));
    }

    /// <summary>As <c>--port NAME=</c>: a name that is not fronted is a typo, said at once rather than silently never applied.</summary>
    private static FrozenSet<string> ReadFrontedNames(string[]? values, IReadOnlyList<string> names, string option)
    {
        var given = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in values ?? [])
        {
            given.Add(ProxyProtocolReader.FrontedName(value, names, option));
        }

        return given.ToFrozenSet(StringComparer.Ordinal);
    }

    public static SecuritySettings ReadSecurity(ParseResult parse, SecurityOptionSet options) =>
        new(
            // The loaders name each file as the user wrote it (FileInfo.ToString), not as a full path.
            Tls: ClusterTlsLoader.Load(parse.GetValue(options.TlsCert)?.ToString(), parse.GetValue(options.TlsKey)?.ToString(), parse.GetValue(options.TlsCa)?.ToString()),
            RedisCaFile: parse.GetValue(options.RedisCa)?.ToString(),
            ClusterListenAny: parse.GetValue(options.ClusterListenAny));
}
