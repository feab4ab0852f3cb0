using System.Collections.Immutable;
using System.Globalization;
using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Configuration;

/// <summary>
/// Parses <c>--port [NAME=]LISTEN[:TARGET][/tcp|/udp]</c>: "6379", "16379:6379", "dns=53/udp",
/// "web=8080:80/tcp". TARGET defaults to LISTEN, the protocol to tcp.
/// </summary>
internal static class PortMappingParser
{
    public static PortMapping Parse(string text)
    {
        var spec = text.Trim();
        string? name = null;
        var equals = spec.IndexOf('=');
        if (equals >= 0)
        {
            name = spec[..equals];
            NameValidator.Validate(name);
            spec = spec[(equals + 1)..];
        }

        var protocol = PortProtocol.Tcp;
        var slash = spec.IndexOf('/');
        if (slash >= 0)
        {
            protocol = spec[(slash + 1)..].ToLowerInvariant() switch
            {
                "tcp" => PortProtocol.Tcp,
                "udp" => PortProtocol.Udp,
                var other => throw new InvalidSettingException($"--port {text}: unknown protocol '{other}' (use tcp or udp)"),
            };
            spec = spec[..slash];
        }

        var parts = spec.Split(':');
        if (parts.Length > 2)
        {
            throw new InvalidSettingException($"--port {text}: expected [NAME=]LISTEN[:TARGET][/tcp|/udp]");
        }

        var listen = ParsePortNumber(parts[0], text);
        var target = parts.Length == 2 ? ParsePortNumber(parts[1], text) : listen;
        return new PortMapping(name, listen, target, protocol);
    }

    /// <summary>
    /// Gives each fronted name its mappings, and rejects mappings that name no fronted name,
    /// leave the name out while several are fronted, or want a port another mapping already has.
    /// </summary>
    public static ImmutableArray<FrontedService> Assign(IReadOnlyList<string> names, IReadOnlyList<PortMapping> mappings)
    {
        foreach (var mapping in mappings)
        {
            if (mapping.Name is null && names.Count > 1)
            {
                throw new InvalidSettingException($"--port {mapping}: several names are fronted; say which one it is for, as NAME={mapping}");
            }

            if (mapping.Name is not null && !names.Contains(mapping.Name, StringComparer.Ordinal))
            {
                throw new InvalidSettingException($"--port {mapping}: '{mapping.Name}' is not a fronted --name");
            }
        }

        PortClaims.Check(mappings);

        return [.. names.Select(name => new FrontedService(
            name,
            [.. mappings.Where(m => m.Name == name || (m.Name is null && names.Count == 1))]))];
    }

    private static int ParsePortNumber(string value, string text) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? port
            : throw new InvalidSettingException($"--port {text}: '{value}' is not a port number (1-65535)");
}
