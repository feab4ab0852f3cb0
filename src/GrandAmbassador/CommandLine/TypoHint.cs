using System.CommandLine;

namespace GrandAmbassador.CommandLine;

/// <summary>
/// "did you mean --name?" for an option the parser does not know: the nearest known spelling by edit
/// distance, when it is near enough to be a typo rather than another word.
/// </summary>
internal static class TypoHint
{
    /// <summary>The hint for the first unknown token of <paramref name="parse"/>, or empty.</summary>
    public static string For(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var unknown = parse.UnmatchedTokens.FirstOrDefault(token => token.StartsWith('-'));
        if (unknown is null)
        {
            return "";
        }

        var typed = unknown.Split('=', 2)[0];
        var known = parse.CommandResult.Command.Options
            .Concat(parse.RootCommandResult.Command.Options.Where(option => option.Recursive))
            .SelectMany(option => option.Aliases.Append(option.Name))
            .Where(alias => alias.StartsWith("--", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal);
        var best = known
            .Select(alias => (Alias: alias, Distance: Distance(typed, alias)))
            .OrderBy(candidate => candidate.Distance)
            .ThenBy(candidate => candidate.Alias, StringComparer.Ordinal)
            .FirstOrDefault();
        return best.Alias is not null && best.Distance <= Math.Max(2, typed.Length / 4)
            ? $"; did you mean {best.Alias}?"
            : "";
    }

    /// <summary>Levenshtein distance, case-sensitive (options are lower case).</summary>
    internal static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), substitution);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
