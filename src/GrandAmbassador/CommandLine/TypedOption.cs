using System.CommandLine;
using System.CommandLine.Parsing;
using GrandAmbassador.Configuration;

namespace GrandAmbassador.CommandLine;

/// <summary>
/// An option parsed once, at parse time, by one parser, whether its text comes from the command line or from its
/// environment variable: a bad value is the same one line naming the option either way, and readers get typed values.
/// </summary>
internal static class TypedOption
{
    /// <param name="parse">Turns the text into the value; throws <see cref="InvalidSettingException"/> with the line the user sees.</param>
    /// <param name="fallback">The value when neither the command line nor the environment gives one.</param>
    /// <param name="defaultText">Said in the help after the environment variable, for a default the help cannot show itself.</param>
    /// <param name="environment">Where the environment's text comes from; <see cref="EnvironmentDefaults.Get"/> by default.</param>
    public static Option<T> Create<T>(
        string name, string helpName, string description, Func<string, T> parse, Func<T> fallback, string? defaultText, Func<string?>? environment = null)
    {
        var fromEnvironment = environment ?? (() => EnvironmentDefaults.Get(name));
        return new Option<T>(name)
        {
            HelpName = helpName,
            Description = $"{description} [env: {EnvironmentDefaults.VariableFor(name)}]{(defaultText is null ? "" : $" ({defaultText})")}",
            CustomParser = result => Parse(result, result.Tokens[0].Value, parse, fallback),
            DefaultValueFactory = result => fromEnvironment() is { } text && !ForAnotherCommand(result) ? Parse(result, text, parse, fallback) : fallback(),
        };
    }

    /// <summary>
    /// Whether <paramref name="error"/> is a value's, reported by a parser of ours. It starts with its option's name (SCL's
    /// own messages never do): it is printed as is, the line the readers printed before values were parsed at parse time.
    /// </summary>
    public static bool IsValueError(ParseError error) =>
        error.SymbolResult is OptionResult { Option: var option } && error.Message.StartsWith(option.Name, StringComparison.Ordinal);

    private static T Parse<T>(ArgumentResult result, string text, Func<string, T> parse, Func<T> fallback)
    {
        try
        {
            return parse(text);
        }
        catch (InvalidSettingException exception)
        {
            result.AddError(exception.Message);
            return fallback();
        }
    }

    /// <summary>
    /// SCL also computes the defaults of the main command's options when a subcommand (status, drain…) runs, which reads
    /// none of them: a bad value of theirs in the environment is not that command's error, as it was not before.
    /// </summary>
    private static bool ForAnotherCommand(ArgumentResult result) =>
        result.Parent?.Parent is CommandResult command && command.Children.OfType<CommandResult>().Any();
}
