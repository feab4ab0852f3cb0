using System.Text.RegularExpressions;

namespace GrandAmbassador.Configuration;

/// <summary>A container name as Docker accepts it: <c>[a-zA-Z0-9][a-zA-Z0-9_.-]*</c>.</summary>
internal static partial class NameValidator
{
    public static string Validate(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new InvalidSettingException("--name: the name is empty");
        }

        var trimmed = name.Trim().TrimStart('/');
        return DockerName().IsMatch(trimmed)
            ? trimmed
            : throw new InvalidSettingException($"--name {name}: not a valid container name (letters, digits, '_', '.', '-'; starting with a letter or digit)");
    }

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")]
    private static partial Regex DockerName();
}
