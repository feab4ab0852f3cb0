using System.Diagnostics.CodeAnalysis;
using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.Proxy.ProxyProtocol;

/// <summary>The spelling of a <see cref="ProxyProtocolVersion"/> in options, labels, status and the API: v1 or v2.</summary>
internal static class ProxyProtocolVersions
{
    public static bool TryParse(string? text, out ProxyProtocolVersion version)
    {
        version = text?.Trim().ToLowerInvariant() switch
        {
            "v1" or "1" => ProxyProtocolVersion.V1,
            "v2" or "2" => ProxyProtocolVersion.V2,
            _ => ProxyProtocolVersion.None,
        };
        return version != ProxyProtocolVersion.None;
    }

    [return: NotNullIfNotNull(nameof(version))]
    public static string? Name(ProxyProtocolVersion? version) => version switch
    {
        null => null,
        ProxyProtocolVersion.V1 => "v1",
        ProxyProtocolVersion.V2 => "v2",
        _ => "off",
    };
}
