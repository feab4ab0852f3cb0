using System.Net;
using GrandAmbassador.Testing;

namespace GrandAmbassador.Engines.Tests.Lab;

/// <summary>
/// One engine of the lab, as <c>tests/lab/engines/engines.sh up</c> recorded it in
/// <c>/run/ga-eng/engines</c>: its socket, its network namespace and the address there that the
/// host reaches, its version. The agent under test runs inside that namespace, as on a host of
/// that engine's own; clients connect from the host to <see cref="Address"/>.
/// </summary>
internal sealed record LabEngine(string Name, string Socket, IPAddress Address, string Namespace, string Version, string ApiVersion)
{
    private const string ListFile = "/run/ga-eng/engines";

    /// <summary>Every engine the suite runs on; a missing one fails its tests, it is never skipped.</summary>
    public static readonly TheoryData<string> Names = new("docker20", "docker26", "docker28", "podman43", "podman58");

    public bool IsPodman => Name.StartsWith("podman", StringComparison.Ordinal);

    /// <summary>The engine as the product and version it calls itself, e.g. "Podman 5.8.6".</summary>
    public string Product => $"{(IsPodman ? "Podman" : "Docker")} {Version}";

    public static LabEngine Get(string name)
    {
        var line = File.Exists(ListFile)
            ? File.ReadAllLines(ListFile).FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal))
            : null;
        if (line is null)
        {
            throw new InvalidOperationException($"engine {name} is not up: run tests/lab/engines/engines.sh up (tests/run.sh does)");
        }

        var f = line.Split(' ');
        return new LabEngine(f[0], f[1], IPAddress.Parse(f[2]), f[3], f[4], f[5]);
    }

    public IPEndPoint Endpoint(int port) => new(Address, port);

    /// <summary><c>docker -H unix://SOCKET args…</c>: the docker CLI, which Podman's socket answers too.</summary>
    public async Task<string> DockerAsync(params string[] args)
    {
        var (exitCode, output, error) = await TryDockerAsync(args);
        return exitCode == 0 ? output : throw new InvalidOperationException($"{Name}: docker {string.Join(' ', args)} exited {exitCode}: {error}");
    }

    public Task<(int ExitCode, string Output, string Error)> TryDockerAsync(params string[] args) =>
        DockerCli.TryRunAsync(["-H", $"unix://{Socket}", .. args]);

    /// <summary>Stops the engine's process only (containers go on: live-restore, conmon), as <c>systemctl stop</c>.</summary>
    public Task StopEngineAsync() => LabScriptAsync("stop-engine");

    public Task StartEngineAsync() => LabScriptAsync("start-engine");

    /// <summary>
    /// Runs a container's health check once, as Podman's systemd timer would: without systemd
    /// (this lab) Podman runs none on its own. The libpod endpoint is what <c>podman healthcheck run</c> calls.
    /// </summary>
    public async Task RunPodmanHealthCheckAsync(string container)
    {
        var (exitCode, output, error) = await ProcessRunner.RunAsync(
            "curl", ["-sf", "--unix-socket", Socket, $"http://podman/v4.0.0/libpod/containers/{container}/healthcheck"], TimeSpan.FromSeconds(30));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{Name}: healthcheck of {container} failed ({exitCode}): {output} {error}");
        }
    }

    public override string ToString() => Name;

    private async Task LabScriptAsync(string command)
    {
        var script = Path.Combine(Repository.Root, "tests", "lab", "engines", "engines.sh");
        var (exitCode, output, error) = await ProcessRunner.RunAsync("bash", [script, command, Name], TimeSpan.FromMinutes(2));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"engines.sh {command} {Name} exited {exitCode}: {output} {error}");
        }
    }
}
