using GrandAmbassador.Configuration;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.CommandLine;

/// <summary>
/// The parsers of the options' values, for <see cref="TypedOption"/>: each refuses a bad value with the one line the
/// user sees (<see cref="StartupException"/>), naming the option and the text as given.
/// </summary>
internal static class OptionParsers
{
    /// <summary>A number of seconds, fractions allowed (<c>2.5</c>).</summary>
    public static Func<string, TimeSpan> Seconds(string option, double min, double max) =>
        text => TimeSpan.FromSeconds(Number(text, option, min, max));

    /// <summary>A whole number, digits only (no sign, no fraction).</summary>
    public static Func<string, int> Count(string option, int min, int max) =>
        text => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new StartupException($"{option} {text}: expected a whole number from {min} to {max}");

    /// <summary>A port, 1 to 65535, written as a whole number.</summary>
    public static Func<string, int?> Port(string option) =>
        text => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535
            ? port
            : throw new StartupException($"{option} {text}: expected a port number from 1 to 65535");

    public static CrossHostRoute CrossHost(string text) =>
        text.ToLowerInvariant() switch
        {
            "auto" => CrossHostRoute.Auto,
            "published" => CrossHostRoute.Published,
            "relay" => CrossHostRoute.Relay,
            _ => throw new StartupException($"--cross-host {text}: expected auto, published or relay"),
        };

    public static LogLevel LogLevel(string text) =>
        text.ToLowerInvariant() switch
        {
            "trace" => Microsoft.Extensions.Logging.LogLevel.Trace,
            "debug" => Microsoft.Extensions.Logging.LogLevel.Debug,
            "info" or "information" => Microsoft.Extensions.Logging.LogLevel.Information,
            "warn" or "warning" => Microsoft.Extensions.Logging.LogLevel.Warning,
            "error" => Microsoft.Extensions.Logging.LogLevel.Error,
            _ => throw new StartupException($"--log-level {text}: expected trace, debug, information, warning or error"),
        };

    public static Uri DockerUri(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "unix" or "tcp" or "http" or "https"
            ? uri
            : throw new StartupException($"--docker {text}: expected unix:///path/to/docker.sock or tcp://host:port");

    /// <param name="examples">What the error suggests instead, e.g. <c>10.0.0.5, fd00::5 or [fd00::5]</c>.</param>
    public static Func<string, IPAddress> Address(string option, string examples) =>
        text => ParseAddress(text) ?? throw new StartupException($"{option} {text}: not an IP address (e.g. {examples})");

    /// <summary>Trimmed; blank is refused (an id names files and silos).</summary>
    public static Func<string, string> NonEmpty(string option) =>
        text => string.IsNullOrWhiteSpace(text) ? throw new StartupException($"{option}: must not be empty") : text.Trim();

    /// <summary>A path, kept as written (errors name it so): whether it exists is said by whoever reads it.</summary>
    public static Func<string, FileInfo> File(string option) =>
        text => string.IsNullOrWhiteSpace(text) ? throw new StartupException($"{option}: must not be empty") : new FileInfo(text);

    /// <summary>An IPv4 or IPv6 address, an IPv6 one with or without brackets (as in URLs: <c>[::1]</c>); null if it is none.</summary>
    internal static IPAddress? ParseAddress(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith('[') && trimmed.EndsWith(']'))
        {
            trimmed = trimmed[1..^1];
        }

        // IPAddress.TryParse also takes "1" or "10.1" (inet_aton's forms): an option wants an address written out.
        return IPAddress.TryParse(trimmed, out var address) && (address.AddressFamily == AddressFamily.InterNetworkV6 || trimmed.Count(c => c == '.') == 3)
            ? address
            : null;
    }

    private static double Number(string text, string option, double min, double max) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new StartupException($"{option} {text}: expected a number of seconds from {min} to {max}");
}
