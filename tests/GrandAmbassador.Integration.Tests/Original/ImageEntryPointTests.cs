using GrandAmbassador.Integration.Tests.Harness;
using GrandAmbassador.Testing;

namespace GrandAmbassador.Integration.Tests.Original;

/// <summary>
/// The image's entry point, ga-prebind, on the real engine: it binds the fronted container's ports before the
/// runtime starts (what lets the original's pasted lines work), and only for the plain fronting command line.
/// A script in place of the runtime prints how many sockets it was handed (LISTEN_FDS) and what listens.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class ImageEntryPointTests : IAsyncLifetime
{
    private const string Image = "grand-ambassador:latest";
    private readonly DockerScope _docker = new("ga-entry");
    private readonly string _scripts = Directory.CreateTempSubdirectory("ga-entry-").FullName;

    public async Task InitializeAsync()
    {
        var show = Path.Combine(_scripts, "show");
        await File.WriteAllTextAsync(show, "#!/bin/sh\necho \"fds=${LISTEN_FDS:-none}\"\nnetstat -ltun | grep -E ':(6379|5353) ' | sort\n");
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(show, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        await _docker.RunAsync("redis", ["--expose", "6379", "--expose", "5353/udp"], "redis");
    }

    public async Task DisposeAsync()
    {
        await _docker.DisposeAsync();
        Directory.Delete(_scripts, recursive: true);
    }

    [Fact]
    public async Task FrontingARunningContainer_HandsOverItsTcpAndUdpPorts_AlreadyBound()
    {
        var output = await RunEntryPointAsync("-name", _docker.Name("redis"));

        Assert.Contains("fds=2", output);
        Assert.Matches(@"tcp\s+0\s+0 0\.0\.0\.0:6379 .*LISTEN", output);
        Assert.Matches(@"udp\s+0\s+0 0\.0\.0\.0:5353 ", output);
    }

    [Theory]
    [InlineData("status")]                          // a subcommand
    [InlineData("--port", "16379:6379")]            // explicit ports: the user chose them, not the container
    [InlineData("--name", "ga-entry-nosuch-name")]  // nothing runs under that name
    public async Task OtherwiseBindsNothing_AndJustRunsTheProgram(params string[] arguments)
    {
        var output = await RunEntryPointAsync([.. arguments, "--name", arguments[0] == "--name" ? arguments[1] : _docker.Name("redis")]);

        Assert.Contains("fds=none", output);
        Assert.DoesNotContain(":6379", output);
    }

    /// <summary>docker run --rm --entrypoint /app/ga-prebind IMAGE /scripts/show ARGS (the engine's socket mounted, as the README runs it).</summary>
    private Task<string> RunEntryPointAsync(params string[] arguments) =>
        DockerCli.RunAsync([
            "run", "--rm", "-v", "/var/run/docker.sock:/var/run/docker.sock", "-v", $"{_scripts}:/scripts:ro",
            "--entrypoint", "/app/ga-prebind", Image, "/scripts/show", .. arguments]);
}
