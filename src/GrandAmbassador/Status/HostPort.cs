namespace GrandAmbassador.Status;

/// <summary>An address and a port written as a user writes them: <c>10.0.0.1:80</c>, <c>[fd00::1]:80</c>.</summary>
internal static class HostPort
{
    public static string Join(string host, int port) =>
        host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]:{port}" : $"{host}:{port}";
}
