namespace GrandAmbassador.Engines.Tests.Lab;

/// <summary>
/// What one test makes on one engine, under names no other test uses, removed on dispose (also
/// when the test failed).
/// </summary>
internal sealed class EngineScope(LabEngine engine) : IAsyncDisposable
{
    public const string Busybox = "ga-test/busybox:latest";
    public const string Socat = "ga-test/socat:latest";

    private readonly List<string> _containers = [];
    private readonly List<string> _networks = [];

    public LabEngine Engine => engine;

    public string Prefix { get; } = $"ga-eng-{Guid.NewGuid().ToString("N")[..8]}";

    public string Name(string suffix) => $"{Prefix}-{suffix}";

    /// <summary><c>docker run -d --name PREFIX-suffix options… image command…</c>; returns the container id.</summary>
    public async Task<string> RunAsync(string suffix, string[] options, params string[] imageAndCommand)
    {
        var name = Name(suffix);
        _containers.Add(name);
        var id = await engine.DockerAsync(["run", "-d", "--name", name, .. options, .. imageAndCommand]);
        _containers.Add(id);
        return id;
    }

    /// <summary>A busybox httpd on <paramref name="port"/> (exposed).</summary>
    public Task<string> RunHttpdAsync(string suffix, int port, params string[] options) =>
        RunAsync(suffix, ["--expose", $"{port}", .. options], Busybox, "httpd", "-f", "-p", $"{port}", "-h", "/www");

    public async Task<string> CreateNetworkAsync(string suffix)
    {
        var name = Name(suffix);
        _networks.Add(name);
        await engine.DockerAsync("network", "create", name);
        return name;
    }

    public Task<string> InspectAsync(string target, string format) => engine.DockerAsync("inspect", "-f", format, target);

    public async ValueTask DisposeAsync()
    {
        foreach (var container in _containers)
        {
            await engine.TryDockerAsync("rm", "-f", container);
        }

        foreach (var network in _networks)
        {
            await engine.TryDockerAsync("network", "rm", network);
        }
    }
}
