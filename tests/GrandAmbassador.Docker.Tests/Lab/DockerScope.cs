namespace GrandAmbassador.Docker.Tests.Lab;

/// <summary>
/// What one test makes on the engine, under names no other test uses ("ga-dt-" + a short guid),
/// removed again on dispose, also when the test failed.
/// </summary>
internal sealed class DockerScope : IAsyncDisposable
{
    public const string Busybox = "ga-test/busybox:latest";

    private readonly List<string> _containers = [];
    private readonly List<string> _networks = [];

    public string Prefix { get; } = $"ga-dt-{Guid.NewGuid().ToString("N")[..8]}";

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

    /// <summary>A busybox that serves HTTP on 8080 and keeps running.</summary>
    public Task<string> RunHttpdAsync(string suffix, params string[] options) =>
        RunAsync(suffix, options, Busybox, "httpd", "-f", "-p", "8080", "-h", "/www");

    public async Task<string> CreateNetworkAsync(string suffix)
    {
        var name = Name(suffix);
        _networks.Add(name);
        await DockerCli.RunAsync("network", "create", name);
        return name;
    }

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
