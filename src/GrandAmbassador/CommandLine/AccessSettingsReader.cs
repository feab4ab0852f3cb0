using System.Collections.Frozen;
using System.Globalization;
using System.Net;
using GrandAmbassador.Proxy.Access;

namespace GrandAmbassador.CommandLine;

/// <summary>
/// Reads <c>--allow</c>, <c>--max-connections-per-client</c> and <c>--connection-rate-per-client</c> into one
/// <see cref="AccessPolicy"/> per fronted name, or one clear error. Each value is <c>[NAME=]VALUE</c>; without a
/// name it applies to every fronted name (a NAME= value wins for its name). In <c>--allow</c> a value without a
/// name continues the list of the one before it, so that <c>web=10.0.0.0/8,192.168.0.0/16</c> reads the same
/// whether the shell or the environment variable's comma splitting cut it.
/// </summary>
internal static class AccessSettingsReader
{
    private const string Every = AccessPolicy.EveryName;

    public static FrozenDictionary<string, AccessPolicy> Read(string[]? allow, string[]? maxPerClient, string[]? ratePerClient, IReadOnlyList<string> names)
    {
        var networks = ReadAllow(allow ?? [], names);
        var limits = ReadPerName(maxPerClient ?? [], "--max-connections-per-client", names, ParseLimit);
        var rates = ReadPerName(ratePerClient ?? [], "--connection-rate-per-client", names, ParseRate);
        var policies = new Dictionary<string, AccessPolicy>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var policy = new AccessPolicy(
                networks.TryGetValue(name, out var own) ? [.. own] : networks.TryGetValue(Every, out var every) ? [.. every] : [],
                limits.TryGetValue(name, out var limit) ? limit : limits.GetValueOrDefault(Every),
                rates.TryGetValue(name, out var rate) ? rate : rates.GetValueOrDefault(Every));
            if (!policy.IsOpen)
            {
                policies[name] = policy;
            }
        }

        // Names fronted later (POST /api/names) take what was said for every name.
        var forEvery = new AccessPolicy(networks.TryGetValue(Every, out var all) ? [.. all] : [], limits.GetValueOrDefault(Every), rates.GetValueOrDefault(Every));
        if (!forEvery.IsOpen)
        {
            policies[AccessPolicy.EveryName] = forEvery;
        }

        return policies.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public static IPNetwork ParseNetwork(string text, string context) =>
        NetworkText.TryParse(text, out var network)
            ? network
            : throw new StartupException($"{context}: '{text.Trim()}' is not a network in CIDR form (e.g. 10.0.0.0/8 or fd00::/64, no bits set past the prefix)");

    private static Dictionary<string, List<IPNetwork>> ReadAllow(string[] values, IReadOnlyList<string> names)
    {
        var networks = new Dictionary<string, List<IPNetwork>>(StringComparer.Ordinal);
        string? current = null;
        foreach (var value in values.SelectMany(value => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var context = $"--allow {value}";
            var (name, cidr) = SplitName(value, "--allow", names);
            current = name ?? current ?? Every;
            var list = networks.TryGetValue(current, out var existing) ? existing : networks[current] = [];
            list.Add(ParseNetwork(cidr, context));
        }

        return networks;
    }

    private static Dictionary<string, T> ReadPerName<T>(string[] values, string option, IReadOnlyList<string> names, Func<string, string, T> parse)
    {
        var settings = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            var (name, text) = SplitName(value, option, names);
            settings[name ?? Every] = parse(text, $"{option} {value}");
        }

        return settings;
    }

    /// <summary><c>NAME=VALUE</c> or <c>VALUE</c>; a NAME that is not fronted is a typo, said at once.</summary>
    private static (string? Name, string Value) SplitName(string text, string option, IReadOnlyList<string> names)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0)
        {
            return (null, text.Trim());
        }

        var name = text[..equals].Trim().TrimStart('/');
        return names.Contains(name, StringComparer.Ordinal)
            ? (name, text[(equals + 1)..].Trim())
            : throw new StartupException($"{option} {text}: '{name}' is not a fronted --name");
    }

    private static int ParseLimit(string text, string context) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit <= 10_000_000
            ? limit
            : throw new StartupException($"{context}: expected a whole number from 0 (no limit) to 10000000");

    private static ConnectionRate? ParseRate(string text, string context) =>
        text is "0" or "off" ? null
        : ConnectionRate.TryParse(text, out var rate) ? rate
        : throw new StartupException($"{context}: expected N/s or N/m with an optional :BURST (e.g. 20/s:40), or off");

}
