using System.Collections.Frozen;
using GrandAmbassador.Proxy.ProxyProtocol;
using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.CommandLine;

/// <summary>Reads <c>--proxy-protocol NAME=v1|v2</c> (repeatable, or its comma-separated variable) into a map per fronted name.</summary>
internal static class ProxyProtocolReader
{
    public static FrozenDictionary<string, ProxyProtocolVersion> Read(string[]? values, IReadOnlyList<string> names)
    {
        var versions = new Dictionary<string, ProxyProtocolVersion>(StringComparer.Ordinal);
        foreach (var value in values ?? [])
        {
            var equals = value.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                throw new StartupException($"--proxy-protocol {value}: expected NAME=v1 or NAME=v2");
            }

            var name = FrontedName(value[..equals], names, "--proxy-protocol", value);
            if (!ProxyProtocolVersions.TryParse(value[(equals + 1)..], out var version))
            {
                throw new StartupException($"--proxy-protocol {value}: '{value[(equals + 1)..]}' is not a PROXY protocol version: expected v1 or v2");
            }

            // Said twice with two versions is a mistake to point out, not a last-one-wins to guess at.
            if (versions.TryGetValue(name, out var earlier) && earlier != version)
            {
                throw new StartupException($"--proxy-protocol {value}: '{name}' was already given {ProxyProtocolVersions.Name(earlier)}");
            }

            versions[name] = version;
        }

        return versions.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>A name given to a per-name option must be fronted (a typo would otherwise be silently never applied).</summary>
    public static string FrontedName(string text, IReadOnlyList<string> names, string option, string? value = null)
    {
        var name = text.Trim().TrimStart('/');
        return names.Contains(name, StringComparer.Ordinal)
            ? name
            : throw new StartupException($"{option} {value ?? text}: '{name}' is not a fronted --name");
    }
}
