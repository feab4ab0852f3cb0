namespace GrandAmbassador.CommandLine;

/// <summary>
/// The 2014 tool took Go-style single-dash flags (<c>-name redis</c>). Existing command lines keep
/// working: <c>-name</c> is read as <c>--name</c>.
/// </summary>
internal static class OriginalSpelling
{
    public static string[] Normalize(IEnumerable<string> args) =>
        [.. args.Select(arg => arg == "-name" || arg.StartsWith("-name=", StringComparison.Ordinal) ? "-" + arg : arg)];
}
