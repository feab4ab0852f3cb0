using GrandAmbassador.Security;

namespace GrandAmbassador.CommandLine;

/// <summary>
/// The cluster's Redis URL, from <c>--cluster</c> or (preferred: no password in the process list or
/// shell history) from the file <c>--cluster-file</c> names. Errors never repeat a password.
/// </summary>
internal static class ClusterUrlReader
{
    /// <summary>The <c>--cluster</c> option's parser: an error shows the URL with its credentials redacted.</summary>
    public static Uri? ParseUrl(string url) => RedisClusterUri.Parse(url, $"--cluster {RedisClusterUri.Redact(url)}");

    public static Uri? Read(Uri? url, FileInfo? file)
    {
        if (url is not null && file is not null)
        {
            throw new StartupException("--cluster and --cluster-file: give one of them");
        }

        if (file is not null)
        {
            string text;
            try
            {
                text = File.ReadAllText(file.FullName);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw new StartupException($"--cluster-file {file}: {(exception is UnauthorizedAccessException ? "cannot read it (permissions)" : "no such file")}");
            }

            // The first line that is not blank or a comment.
            var line = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith('#'));
            return line is null
                ? throw new StartupException($"--cluster-file {file}: empty (expected one line, {RedisClusterUri.Form})")
                : RedisClusterUri.Parse(line, $"--cluster-file {file}");
        }

        return url;
    }
}
