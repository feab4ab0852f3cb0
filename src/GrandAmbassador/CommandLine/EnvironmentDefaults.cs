namespace GrandAmbassador.CommandLine;

/// <summary>
/// Every option can also be set by an environment variable, <c>GRAND_AMBASSADOR_</c> and the option's
/// name in capitals (<c>--log-level</c> → <c>GRAND_AMBASSADOR_LOG_LEVEL</c>); the command line wins.
/// </summary>
internal static class EnvironmentDefaults
{
    public static string VariableFor(string optionName) =>
        "GRAND_AMBASSADOR_" + optionName.TrimStart('-').Replace('-', '_').ToUpperInvariant();

    public static string? Get(string optionName)
    {
        var value = Environment.GetEnvironmentVariable(VariableFor(optionName));
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }

    /// <summary>A list variable: items separated by commas or whitespace.</summary>
    public static string[] GetList(string optionName) =>
        Get(optionName)?.Split([',', ' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
}
