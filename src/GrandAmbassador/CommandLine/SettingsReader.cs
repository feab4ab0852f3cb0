using System.Collections.Frozen;
using System.CommandLine;
using System.Globalization;
using GrandAmbassador.Configuration;
using GrandAmbassador.Docker.Common;
using System.Net;
using GrandAmbassador.Security;
using GrandAmbassador.Http;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.CommandLine;

/// <summary>Turns a parse result into validated <see cref="AmbassadorSettings"/>, or one clear error.</summary>
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
            DockerEndpoint: ParseDockerUri(parse.GetValue(options.Docker)!),
            ListenAddress: ParseAddress(parse.GetValue(options.Listen)) ?? throw new StartupException($"--listen {parse.GetValue(options.Listen)}: not an IP address (e.g. 0.0.0.0, ::, ::1 or [::1])"),
            Wait: TimeSpan.FromSeconds(ParseNumber(parse.GetValue(options.Wait), "--wait", min: 0, max: 86_400)),
            LogLevel: ParseLogLevel(parse.GetValue(options.LogLevel)),
            Cluster: ClusterUrlReader.Read(parse.GetValue(options.Cluster), parse.GetValue(options.Security.ClusterFile)),
            ClusterId: NonEmpty(parse.GetValue(options.ClusterId), "--cluster-id"),
            Host: AdvertiseAddressResolver.Identify(
                NonEmpty(parse.GetValue(options.HostId), "--host-id"),
                ParseOptionalAddress(parse.GetValue(options.Advertise))),
            NoAgent: noAgent,
            SiloPort: ParseOptionalPort(parse.GetValue(options.SiloPort), "--silo-port"),
            GatewayPort: ParseOptionalPort(parse.GetValue(options.GatewayPort), "--gateway-port"),
            Http: HttpSettingsReader.Read(
                parse.GetValue(options.Http),
                parse.GetValue(options.Http) is not null,
                parse.GetValue(options.HttpToken),
                parse.GetValue(options.HttpTokenFile),
                parse.GetValue(options.NoDashboard),
                services),
            Security: ReadSecurity(parse, options.Security),
            ProxyLimits: ReadProxyLimits(parse, options),
            MaxExposedPorts: ParseCount(parse.GetValue(options.MaxExposedPorts), "--max-exposed-ports", min: 1, max: 65_535),
            RetryBeforeFirstByte: ReadFrontedNames(parse.GetValue(options.RetryBeforeFirstByte), names, "--retry-before-first-byte"),
            ProxyProtocol: ProxyProtocolReader.Read(parse.GetValue(options.ProxyProtocol), names),
            AcceptProxy: ReadFrontedNames(parse.GetValue(options.AcceptProxy), names, "--accept-proxy"),
            Access: AccessSettingsReader.Read(
                parse.GetValue(options.Allow), parse.GetValue(options.MaxConnectionsPerClient), parse.GetValue(options.ConnectionRatePerClient), names),
            PreferIpv6: parse.GetValue(options.PreferIpv6));
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

    private static ProxyLimitSettings ReadProxyLimits(ParseResult parse, MainCommandOptions options)
    {
        var maxConnections = parse.GetValue(options.MaxConnections);
        return new ProxyLimitSettings(
            MaxConnections: int.TryParse(maxConnections, NumberStyles.None, CultureInfo.InvariantCulture, out var max) && max <= 10_000_000
                ? max
                : throw new StartupException($"--max-connections {maxConnections}: expected a whole number from 0 to 10000000"),
            IdleTimeout: TimeSpan.FromSeconds(ParseNumber(parse.GetValue(options.IdleTimeout), "--idle-timeout", min: 0, max: 31_536_000)),
            HalfCloseTimeout: TimeSpan.FromSeconds(ParseNumber(parse.GetValue(options.HalfCloseTimeout), "--half-close-timeout", min: 0, max: 31_536_000)),
            Drain: TimeSpan.FromSeconds(ParseNumber(parse.GetValue(options.Drain), "--drain", min: 0, max: 3_600)));
    }

    public static SecuritySettings ReadSecurity(ParseResult parse, SecurityOptionSet options) =>
        new(
            Tls: ClusterTlsLoader.Load(parse.GetValue(options.TlsCert), parse.GetValue(options.TlsKey), parse.GetValue(options.TlsCa)),
            RedisCaFile: parse.GetValue(options.RedisCa),
            ClusterListenAny: parse.GetValue(options.ClusterListenAny));

    private static Uri ParseDockerUri(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "unix" or "tcp" or "http" or "https"
            ? uri
            : throw new StartupException($"--docker {text}: expected unix:///path/to/docker.sock or tcp://host:port");

    private static double ParseNumber(string? text, string option, double min, double max) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new StartupException($"{option} {text}: expected a number of seconds from {min} to {max}");

    private static int ParseCount(string? text, string option, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new StartupException($"{option} {text}: expected a whole number from {min} to {max}");

    private static LogLevel ParseLogLevel(string? text) =>
        text?.ToLowerInvariant() switch
        {
            "trace" => LogLevel.Trace,
            "debug" => LogLevel.Debug,
            "info" or "information" => LogLevel.Information,
            "warn" or "warning" => LogLevel.Warning,
            "error" => LogLevel.Error,
            _ => throw new StartupException($"--log-level {text}: expected trace, debug, information, warning or error"),
        };

    private static string NonEmpty(string? text, string option) =>
        string.IsNullOrWhiteSpace(text) ? throw new StartupException($"{option}: must not be empty") : text.Trim();

    private static string? ParseOptionalAddress(string? text) =>
        text is null ? null
        : ParseAddress(text) is { } address ? address.ToString()
        : throw new StartupException($"--advertise {text}: not an IP address (e.g. 10.0.0.5, fd00::5 or [fd00::5])");

    /// <summary>An IPv4 or IPv6 address, an IPv6 one with or without brackets (as in URLs: <c>[::1]</c>); null if it is none.</summary>
    internal static IPAddress? ParseAddress(string? text)
    {
        var trimmed = text?.Trim() ?? string.Empty;
        if (trimmed.StartsWith('[') && trimmed.EndsWith(']'))
        {
            trimmed = trimmed[1..^1];
        }

        // IPAddress.TryParse also takes "1" or "10.1" (inet_aton's forms): an option wants an address written out.
        return IPAddress.TryParse(trimmed, out var address) && (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 || trimmed.Count(c => c == '.') == 3)
            ? address
            : null;
    }

    public static int? ParseOptionalPort(string? text, string option) =>
        text is null ? null : (int)ParseNumber(text, option, min: 1, max: 65535);
}
