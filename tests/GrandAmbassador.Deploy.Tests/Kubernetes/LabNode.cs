namespace GrandAmbassador.Deploy.Tests.Kubernetes;

/// <summary>
/// One host of the multi-host lab seen as a Kubernetes node: its name (what <c>spec.nodeName</c>
/// resolves to), its address (<c>status.hostIP</c>), and where its Docker socket is on this machine
/// (what a <c>hostPath</c> of /var/run/docker.sock means on that node).
/// </summary>
internal sealed record LabNode(string Host, string NodeName, string HostIp, string DockerSocket)
{
    public static readonly LabNode[] All = [.. new[] { "a", "b", "c" }.Select(Of)];

    public static LabNode Of(string host) => new(
        host,
        $"ga-host-{host}",
        host switch { "a" => "10.231.0.11", "b" => "10.231.0.12", "c" => "10.231.0.13", _ => throw new ArgumentOutOfRangeException(nameof(host)) },
        $"/run/ga-lab-{host}/docker.sock");

    /// <summary>What a path on the node is on this machine (only the Docker socket is shared).</summary>
    public string HostPath(string path) => path is "/var/run/docker.sock" or "/run/docker.sock"
        ? DockerSocket
        : throw new NotSupportedException($"hostPath {path}: the lab maps only the Docker socket");
}
