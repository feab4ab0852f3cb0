using System.Globalization;

namespace GrandAmbassador.Docker.Inspection;

/// <summary>Reads Docker's RFC 3339 timestamps, which carry nanoseconds (9 digits) that .NET cannot parse.</summary>
internal static class DockerTimestamp
{
    /// <summary>The time, or <see cref="DateTimeOffset.MinValue"/> for empty, zero ("0001-01-01…") or unreadable values.</summary>
    public static DateTimeOffset Parse(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return DateTimeOffset.MinValue;
        }

        var text = TrimFractionToTicks(value);
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed.ToUniversalTime()
            : DateTimeOffset.MinValue;
    }

    // "2024-05-01T10:00:00.123456789Z" → "2024-05-01T10:00:00.1234567Z": .NET holds 100 ns ticks.
    private static string TrimFractionToTicks(string value)
    {
        var dot = value.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return value;
        }

        var end = dot + 1;
        while (end < value.Length && char.IsAsciiDigit(value[end]))
        {
            end++;
        }

        return end - dot - 1 <= 7 ? value : string.Concat(value.AsSpan(0, dot + 8), value.AsSpan(end));
    }
}
