using System.Globalization;

namespace GrandAmbassador.Proxy.Access;

/// <summary>
/// A token bucket's settings: <see cref="PerSecond"/> new connections a second on average, and up to
/// <see cref="Burst"/> at once after a quiet spell.
/// </summary>
internal sealed record ConnectionRate(double PerSecond, int Burst)
{
    /// <summary>
    /// <c>N/s</c> or <c>N/m</c> (a second or a minute), optionally <c>:BURST</c>; the burst defaults to one second's
    /// worth (at least 1), so that a client within the rate is never refused for arriving in a clump.
    /// </summary>
    public static bool TryParse(string? text, out ConnectionRate? rate)
    {
        rate = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var (ratePart, burstPart) = text.Split(':', 2) is [var r, var b] ? (r, b) : (text, null);
        var slash = ratePart.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            return false;
        }

        var seconds = ratePart[(slash + 1)..].Trim() switch
        {
            "s" or "sec" or "second" => 1.0,
            "m" or "min" or "minute" => 60.0,
            _ => 0.0,
        };
        if (seconds == 0 || !double.TryParse(ratePart[..slash], NumberStyles.Float, CultureInfo.InvariantCulture, out var count)
            || !double.IsFinite(count) || count <= 0 || count > 1_000_000)
        {
            return false;
        }

        var perSecond = count / seconds;
        var burst = (int)Math.Max(1, Math.Ceiling(perSecond));
        if (burstPart is not null && !(int.TryParse(burstPart, NumberStyles.None, CultureInfo.InvariantCulture, out burst) && burst is >= 1 and <= 1_000_000))
        {
            return false;
        }

        rate = new ConnectionRate(perSecond, burst);
        return true;
    }

    public override string ToString() => $"{PerSecond.ToString("0.###", CultureInfo.InvariantCulture)}/s:{Burst}";
}
