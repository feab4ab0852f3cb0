using GrandAmbassador.Testing;

namespace GrandAmbassador.Deploy.Tests.Kubernetes;

/// <summary>The multi-host lab's engines (tests/lab/multihost/lab.sh, brought up by tests/run.sh).</summary>
internal static class Lab
{
    private static string Script => Path.Combine(Repository.Root, "tests", "lab", "multihost", "lab.sh");

    /// <summary>The docker CLI against <paramref name="node"/>'s engine; throws with its output when it fails.</summary>
    public static async Task<string> DockerAsync(LabNode node, params string[] args)
    {
        var (exitCode, output, error) = await TryDockerAsync(node, args);
        return exitCode == 0
            ? output.Trim()
            : throw new InvalidOperationException($"docker ({node.NodeName}) {string.Join(' ', args)} exited {exitCode}: {output} {error}");
    }

    public static Task<(int ExitCode, string Output, string Error)> TryDockerAsync(LabNode node, params string[] args) =>
        Tool.RunAsync("bash", [Script, "docker", node.Host, .. args], guard: TimeSpan.FromMinutes(3));
}
