using System.Text;
using System.Text.Json;

namespace GrandAmbassador.Status;

/// <summary>Prints a <see cref="ClusterStatus"/> for a person, or as JSON for a program.</summary>
internal static class StatusPrinter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string ToJson(ClusterStatus status) => JsonSerializer.Serialize(status, Json);

    public static string ToText(ClusterStatus status)
    {
        var text = new StringBuilder();
        text.AppendLine($"hosts: {(status.Hosts.IsEmpty ? "none has registered an agent" : string.Join(", ", status.Hosts))}");
        foreach (var name in status.Names)
        {
            text.AppendLine();
            text.AppendLine(name.Name);
            text.AppendLine($"  fronted by: {(name.FrontedBy.IsEmpty ? "no ambassador" : string.Join(", ", name.FrontedBy))}");
            if (name.Endpoints.IsEmpty)
            {
                text.AppendLine("  no container");
            }

            foreach (var endpoint in name.Endpoints)
            {
                text.AppendLine($"  {endpoint.HostId}  {endpoint.Container} ({endpoint.ContainerId})  {endpoint.State}, {endpoint.Health}, since {endpoint.Since:yyyy-MM-dd HH:mm:ss}Z{(endpoint.ProxyProtocol is { } proxyProtocol ? $", proxy-protocol {proxyProtocol}" : "")}");
                if (endpoint.Unreachable is { } why)
                {
                    text.AppendLine($"    reachable from {why}");
                }

                foreach (var port in endpoint.Ports)
                {
                    var published = port.Published.IsEmpty ? "not published" : "published " + string.Join(", ", port.Published);
                    text.AppendLine($"    {port.Port,-10} {string.Join(", ", port.Addresses)}; {published}; reachable from {port.ReachableFrom}");
                    foreach (var reach in port.Reached)
                    {
                        // Under the port, one line per fronting ambassador: the address it dials, or why it cannot.
                        text.AppendLine($"    {"",-10} from {reach.From}: {reach.How}");
                    }
                }
            }
        }

        if (status.OtherNames > 0)
        {
            text.AppendLine();
            text.AppendLine($"{status.OtherNames} other {(status.OtherNames == 1 ? "name" : "names")} (containers no ambassador fronts): status --all lists them");
        }

        return text.ToString();
    }
}
