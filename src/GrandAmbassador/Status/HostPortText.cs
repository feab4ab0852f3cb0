namespace GrandAmbassador.Status;

/// <summary>An address and a port as people and URLs write them: <c>10.0.0.5:80</c>, <c>[fd00::5]:80</c>.</summary>
internal static class HostPortText
{
    public static string Format(string host, int port) =>
        host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]:{port}" : $"{host}:{port}";
}
