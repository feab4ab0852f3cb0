namespace GrandAmbassador.Security;

/// <summary>What went wrong reading a PEM file, in words for a one-line error.</summary>
internal static class PemProblem
{
    public static string Describe(Exception exception) =>
        exception switch
        {
            FileNotFoundException or DirectoryNotFoundException => "no such file",
            UnauthorizedAccessException => "cannot read it (permissions)",
            _ => exception.Message.Split('\n')[0].TrimEnd('.', '\r') + " (expected PEM: a certificate, and its key unencrypted)",
        };
}
