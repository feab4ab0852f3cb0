using GrandAmbassador.Testing;

namespace GrandAmbassador.MultiHost.Tests.Lab;

/// <summary>
/// The lab made by tests/lab/multihost/lab.sh (brought up by tests/run.sh): hosts a, b, c as
/// network namespaces with their own Docker engines, and the cluster's Redis.
/// </summary>
internal static class MultiHostLab
{
    public const string Redis = "redis://10.231.0.1:6390";

    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(3);

    private static string Script => Path.Combine(Repository.Root, "tests", "lab", "multihost", "lab.sh");

    public static string Address(string host) => host switch
    {
        "a" => "10.231.0.11",
        "b" => "10.231.0.12",
        "c" => "10.231.0.13",
        _ => throw new ArgumentOutOfRangeException(nameof(host), host, "the lab has hosts a, b and c"),
    };

    public static string HostId(string host) => $"ga-host-{host}";

    /// <summary><c>lab.sh ARGS</c>; throws with its output when it fails.</summary>
    public static async Task<string> RunAsync(params string[] args)
    {
        var (exitCode, output, error) = await ProcessRunner.RunAsync("bash", [Script, .. args], Guard);
        return exitCode == 0
            ? output.Trim()
            : throw new InvalidOperationException($"lab.sh {string.Join(' ', args)} exited {exitCode}: {output} {error}");
    }

    /// <summary>
    /// A <c>grand-ambassador</c> command (drain, undrain, status…) run on <paramref name="host"/> against
    /// the cluster <paramref name="clusterId"/>: its exit code and what it printed.
    /// </summary>
    public static Task<(int ExitCode, string Output, string Error)> CommandAsync(string host, string clusterId, params string[] args) =>
        ProcessRunner.RunAsync("bash", [Script, "exec", host, "dotnet", Repository.AmbassadorDll, .. args, "--cluster", Redis, "--cluster-id", clusterId], Guard);

    /// <summary>The docker CLI against one host's engine.</summary>
    public static Task<string> DockerAsync(string host, params string[] args) => RunAsync(["docker", host, .. args]);

    /// <summary>Removes every container a test made on every host (by name prefix), also after a failure.</summary>
    public static async Task RemoveContainersAsync(string prefix)
    {
        foreach (var host in new[] { "a", "b", "c" })
        {
            try
            {
                var ids = await DockerAsync(host, "ps", "-aq", "--filter", $"name={prefix}");
                foreach (var id in ids.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    await DockerAsync(host, "rm", "-f", id);
                }
            }
            catch (InvalidOperationException)
            {
                // A host a test killed may still be coming back; `lab.sh up` starts fresh anyway.
            }
        }
    }

    /// <summary>
    /// A grand-ambassador process on <paramref name="host"/>, in its namespaces, watching its engine,
    /// in the cluster <paramref name="clusterId"/>.
    /// </summary>
    public static RunningProcess StartAmbassador(string host, string clusterId, params string[] args) =>
        RunningProcess.Start("bash", [
            Script, "exec", host, "dotnet", Repository.AmbassadorDll,
            "--cluster", Redis, "--cluster-id", clusterId,
            "--host-id", HostId(host), "--advertise", Address(host),
            "--docker", $"unix:///run/ga-lab-{host}/docker.sock",
            .. args]);
}
