namespace GrandAmbassador.Testing;

/// <summary>
/// What one test makes on the engine, under names no other test uses (a prefix + a short guid),
/// removed again on dispose, also when the test failed.
/// </summary>
public sealed class DockerScope(string prefix) : IAsyncDisposable
{
    public const string Busybox = "ga-test/busybox:latest";
    public const string Socat = "ga-test/socat:latest";
    public const string Redis = "local/redis:7";

    private readonly List<string> _containers = [];
    private readonly List<string> _networks = [];

    public string Prefix { get; } = $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    public string Name(string suffix) => $"{Prefix}-{suffix}";

    /// <summary><c>docker run -d --name PREFIX-suffix options… image command…</c>; returns the full container id.</summary>
    public async Task<string> RunAsync(string suffix, string[] options, params string[] imageAndCommand)
    {
        var name = Name(suffix);
        _containers.Add(name);
        var id = await DockerCli.RunAsync(["run", "-d", "--name", name, .. options, .. imageAndCommand]);
        _containers.Add(id); // a renamed container is still removed by its id
        return id;
    }

    /// <summary>A busybox that serves HTTP on <paramref name="port"/> (exposed) and keeps running.</summary>
    public Task<string> RunHttpdAsync(string suffix, int port, params string[] options) =>
        RunAsync(suffix, ["--expose", $"{port}", .. options], Busybox, "httpd", "-f", "-p", $"{port}", "-h", "/www");

    /// <summary>A TCP echo server on <paramref name="port"/> that answers each connection until the client half-closes.</summary>
    public Task<string> RunTcpEchoAsync(string suffix, int port, params string[] options) =>
        RunAsync(suffix, ["--expose", $"{port}", .. options], Socat, "socat", $"TCP-LISTEN:{port},fork,reuseaddr", "EXEC:cat");

    /// <summary>A UDP echo server on <paramref name="port"/>, with buffers for the largest datagram.</summary>
    public Task<string> RunUdpEchoAsync(string suffix, int port, params string[] options) =>
        RunAsync(suffix, ["--expose", $"{port}/udp", .. options], Socat, "socat", "-b", "65536", $"UDP-RECVFROM:{port},fork,reuseaddr", "EXEC:cat");

    /// <summary><c>docker network create options… PREFIX-suffix</c>, removed on dispose.</summary>
    public async Task<string> CreateNetworkAsync(string suffix, params string[] options)
    {
        var name = Name(suffix);
        _networks.Add(name);
        await DockerCli.RunAsync(["network", "create", .. options, name]);
        return name;
    }

    /// <summary>
    /// An IPv6-enabled network on a /64 of its own in fd00:6a::/32 (random, so that parallel runs and leftovers of
    /// a killed one do not clash), with Docker's IPv4 subnet beside it (Docker 20.10 cannot leave it out).
    /// </summary>
    public Task<string> CreateIpv6NetworkAsync(string suffix) =>
        CreateNetworkAsync(suffix, "--ipv6", "--subnet", $"fd00:6a:{Random.Shared.Next(1, 0xffff):x}:{Random.Shared.Next(1, 0xffff):x}::/64");

    /// <summary>
    /// A TCP echo server on <paramref name="port"/> that listens on IPv6 only (socat's ipv6only=1): its IPv4 address
    /// refuses, so only a dial to its IPv6 address reaches it.
    /// </summary>
    public Task<string> RunIpv6OnlyTcpEchoAsync(string suffix, int port, params string[] options) =>
        RunAsync(suffix, ["--expose", $"{port}", .. options], Socat, "socat", $"TCP6-LISTEN:{port},ipv6only=1,fork,reuseaddr", "EXEC:cat");

    /// <summary>Registers something made outside <see cref="RunAsync"/> for removal.</summary>
    public void Track(string container) => _containers.Add(container);

    /// <summary><c>docker inspect -f FORMAT target</c>.</summary>
    public static Task<string> InspectAsync(string target, string format) =>
        DockerCli.RunAsync("inspect", "-f", format, target);

    public async ValueTask DisposeAsync()
    {
        foreach (var container in _containers)
        {
            await DockerCli.TryRunAsync("rm", "-f", container);
        }

        foreach (var network in _networks)
        {
            await DockerCli.TryRunAsync("network", "rm", network);
        }
    }
}
