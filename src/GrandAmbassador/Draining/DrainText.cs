using System.Globalization;

namespace GrandAmbassador.Draining;

/// <summary>How a drain's outcome reads, the same on the command line and in the HTTP API's errors.</summary>
internal static class DrainText
{
    public static string Done(DrainResult result)
    {
        var who = result.Confirmed.IsEmpty
            ? "no ambassador fronts its names"
            : "confirmed by " + string.Join(", ", result.Confirmed);
        return string.Create(CultureInfo.InvariantCulture, $"drained {result.Mark.ContainerName} ({result.Mark.Container}): {who}, in {result.Waited.TotalMilliseconds:F0} ms");
    }

    public static string Failed(string container, DrainResult result, TimeSpan timeout)
    {
        if (result.Mark.Error is { } error)
        {
            return $"drain {container}: {error}";
        }

        var what = $"drain {result.Mark.ContainerName} ({result.Mark.Container})";
        var seconds = timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        return result.Pending.IsEmpty
            ? $"{what}: its agent's Stopping report did not reach the grains of {string.Join(", ", result.Mark.ServiceNames)} within {seconds} s"
            : $"{what}: not confirmed within {seconds} s by {string.Join(", ", result.Pending)}";
    }
}
