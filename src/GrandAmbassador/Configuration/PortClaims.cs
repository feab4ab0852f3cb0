using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Configuration;

/// <summary>
/// One listening port and protocol belongs to one explicit mapping: checked across the command line's
/// <c>--port</c>s, and again when a name is added at run time next to the names already fronted.
/// </summary>
internal static class PortClaims
{
    public static void Check(IEnumerable<PortMapping> mappings)
    {
        var taken = new Dictionary<(int, PortProtocol), PortMapping>();
        foreach (var mapping in mappings)
        {
            if (taken.TryGetValue((mapping.Port, mapping.Protocol), out var other))
            {
                throw new InvalidSettingException(
                    $"--port {mapping} and --port {other} both want port {mapping.Port}/{mapping.Protocol.ToString().ToLowerInvariant()}");
            }

            taken[(mapping.Port, mapping.Protocol)] = mapping;
        }
    }
}
