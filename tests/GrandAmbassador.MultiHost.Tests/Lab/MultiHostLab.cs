using GrandAmbassador.Engines.Tests.Lab;
using GrandAmbassador.Testing;

namespace GrandAmbassador.MultiHost.Tests.Lab;

/// <summary>
/// The lab made by tests/lab/multihost/lab.sh (brought up by tests/run.sh): hosts a, b, c as
/// network namespaces with their own Docker engines, and the cluster's Redis. A host may also be
/// one of the engines lab's engines (tests/lab/engines/engines.sh: "docker28", "podman58"…), each
/// in a network namespace of its own that lab.sh routes to and from the lab's bridge: the hosts of
/// a mixed cluster.
/// </summary>
internal static class MultiHostLab
{
    public const string Redis = "redis://10.231.0.1:6390";

    /// <summary>The same Redis at the bridge's IPv6 address (lab.sh binds both).</summary>
    public const string Redis6 = "redis://[fd31:231::1]:6390";

    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(3);

    /// <summary>The hosts of the multi-host lab itself, each with a Docker 20.10 engine of its own.</summary>
    public static readonly IReadOnlyList<string> LabHosts = ["a", "b", "c"];

    private static string Script => Path.Combine(Repository.Root, "tests", "lab", "multihost", "lab.sh");

    /// <summary>Whether <paramref name="host"/> is one of the engines lab's engines rather than a, b or c.</summary>
    public static bool IsEngine(string host) => !LabHosts.Contains(host);

    public static string Address(string host) => host switch
    {
        "a" => "10.231.0.11",
        "b" => "10.231.0.12",
        "c" => "10.231.0.13",
        _ => LabEngine.Get(host).Address.ToString(),
    };

    /// <summary>The IPv6 address lab.sh gives a lab host beside its IPv4 one (<c>lab.sh ip6 HOST</c>).</summary>
    public static string Address6(string host) =>
        LabHosts.Contains(host) ? $"fd31:231::{Address(host).Split('.')[^1]}" : throw new ArgumentException($"{host}: only the lab's own hosts have IPv6 addresses", nameof(host));

    /// <summary>The host's <c>--host-id</c> (and what its web container serves): ga-host-a…, or ga-eng-ENGINE.</summary>
    public static string HostId(string host) => IsEngine(host) ? $"ga-eng-{host}" : $"ga-host-{host}";

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

    /// <summary>
    /// What <c>curl http://TO:PORT/</c> run in <paramref name="from"/>'s network answers: whether one
    /// host reaches another's published port, checked as a person would.
    /// </summary>
    public static async Task<string> GetFromAsync(string from, string to, int port)
    {
        var (exitCode, output, error) = await ProcessRunner.RunAsync(
            "bash", [Script, "exec", from, "curl", "-sS", "-m", "5", $"http://{Address(to)}:{port}/"], Guard);
        return exitCode == 0
            ? output.Trim()
            : throw new InvalidOperationException($"curl from {from} to {to} ({Address(to)}:{port}) exited {exitCode}: {error.Trim()}");
    }

    /// <summary>The docker CLI against one host's engine (Podman's Docker-compatible socket answers it too).</summary>
    public static Task<string> DockerAsync(string host, params string[] args) =>
        IsEngine(host) ? LabEngine.Get(host).DockerAsync(args) : RunAsync(["docker", host, .. args]);

    /// <summary>Removes every container a test made on <paramref name="hosts"/> (by name prefix), also after a failure.</summary>
    public static async Task RemoveContainersAsync(string prefix, IEnumerable<string> hosts)
    {
        foreach (var host in hosts)
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
                // A host a test killed may still be coming back (or an engine is down); `lab.sh up`
                // and `engines.sh up` start fresh anyway.
            }
        }
    }

    /// <summary>
    /// A grand-ambassador process on <paramref name="host"/>, in its namespaces, watching its engine,
    /// in the cluster <paramref name="clusterId"/>.
    /// </summary>
    public static RunningProcess StartAmbassador(string host, string clusterId, params string[] args) => StartAmbassador(host, clusterId, ipv6: false, args);

    /// <summary>The same; with <paramref name="ipv6"/>, advertised at the host's IPv6 address and clustered through Redis's.</summary>
    public static RunningProcess StartAmbassador(string host, string clusterId, bool ipv6, params string[] args)
    {
        string[] ambassador = [
            "dotnet", Repository.AmbassadorDll,
            "--cluster", ipv6 ? Redis6 : Redis, "--cluster-id", clusterId,
            "--host-id", HostId(host), "--advertise", ipv6 ? Address6(host) : Address(host)];
        if (!IsEngine(host))
        {
            return RunningProcess.Start("bash", [Script, "exec", host, .. ambassador, "--docker", $"unix:///run/ga-lab-{host}/docker.sock", .. args]);
        }

        // In the engine's network namespace, as the Engines tests run it (AgentInEngine): the
        // engine's own host, on its socket (Podman's Docker-compatible one for a Podman engine).
        var engine = LabEngine.Get(host);
        return RunningProcess.Start("nsenter", [$"--net=/run/netns/{engine.Namespace}", .. ambassador, "--docker", $"unix://{engine.Socket}", .. args]);
    }
}
