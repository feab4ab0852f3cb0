using System.Globalization;
using System.Text;
using GrandAmbassador.Bench.Scale.Cluster;

namespace GrandAmbassador.Bench.Scale.Report;

/// <summary>Which grain methods a window's messages went to: what dominates.</summary>
internal static class MethodTable
{
    public static string Markdown(IReadOnlyDictionary<string, MethodTotals> window, double seconds)
    {
        var total = Math.Max(1, window.Values.Sum(method => method.Messages));
        var text = new StringBuilder();
        text.AppendLine("| grain method | calls/s | messages/s | bytes/s | share of messages |");
        text.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var (method, totals) in window.OrderByDescending(pair => pair.Value.Messages))
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {method} | {totals.Calls / seconds:N1} | {totals.Messages / seconds:N1} | {totals.Bytes / seconds:N0} | {100.0 * totals.Messages / total:N1} % |");
        }

        return text.ToString();
    }

    public static object Json(IReadOnlyDictionary<string, MethodTotals> window, double seconds) =>
        window.ToDictionary(
            pair => pair.Key,
            pair => new { callsPerSecond = pair.Value.Calls / seconds, messagesPerSecond = pair.Value.Messages / seconds, bytesPerSecond = pair.Value.Bytes / seconds },
            StringComparer.Ordinal);
}
