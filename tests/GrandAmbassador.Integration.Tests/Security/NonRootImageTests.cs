using GrandAmbassador.Integration.Tests.Harness;
using GrandAmbassador.Testing;

namespace GrandAmbassador.Integration.Tests.Security;

/// <summary>
/// The image run as a non-root user that the Docker socket's group admits (README, Security):
/// it follows and fronts a container as it does as root.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class NonRootImageTests : IAsyncLifetime
{
    private const string Image = "grand-ambassador:latest";
    private readonly DockerScope _docker = new("ga-trust-nonroot");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _docker.DisposeAsync();

    [Fact]
    public async Task Image_AsANonRootUser_InTheSocketsGroup_FrontsRedis()
    {
        var socketGroup = (await ProcessRunner.RunAsync("stat", ["-c", "%g", "/var/run/docker.sock"], TimeSpan.FromSeconds(10))).Output.Trim();
        await _docker.RunAsync("redis", ["--expose", "6379"], "redis");
        await _docker.RunAsync("red-amb", [
            "--user", "1654:1654", "--group-add", socketGroup, "-v", "/var/run/docker.sock:/var/run/docker.sock"], Image, "--name", _docker.Name("redis"));

        Assert.Equal("1654", await DockerCli.RunAsync("exec", _docker.Name("red-amb"), "id", "-u"));
        var pong = await Eventually.GetAsync(async () =>
        {
            var (exitCode, output, error) = await DockerCli.TryRunAsync(
                "run", "--rm", "--link", $"{_docker.Name("red-amb")}:db", "redis", "redis-cli", "-h", "db", "ping");
            return exitCode == 0 && output == "PONG" ? output : throw new InvalidOperationException($"redis-cli exited {exitCode}: {output} {error}");
        }, what: "redis-cli ping through the non-root ambassador");
        Assert.Equal("PONG", pong);
    }
}
