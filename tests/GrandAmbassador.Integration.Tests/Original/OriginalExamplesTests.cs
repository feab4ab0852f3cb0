using GrandAmbassador.Integration.Tests.Harness;
using GrandAmbassador.Testing;

namespace GrandAmbassador.Integration.Tests.Original;

/// <summary>
/// The three examples of the 2014 blog post, run as written, with our image in place of
/// cpuguy83/docker-grand-ambassador and names made unique for this run.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class OriginalExamplesTests : IAsyncLifetime
{
    private const string Image = "grand-ambassador:latest";
    private readonly DockerScope _docker = new("ga-orig");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _docker.DisposeAsync();

    /// <summary>
    /// Pasted as a user pastes them: the third line runs the moment the second returns, once, with no retry.
    /// The client connects while the ambassador's runtime is still starting; the image's entry point
    /// (ga-prebind) has bound the port by then, so the client waits in the backlog instead of being refused.
    /// </summary>
    [Fact]
    public async Task PastedWithNoPause_TheLinkedClientsFirstPingAnswers()
    {
        // docker run -d --expose 6379 --name redis redis
        await _docker.RunAsync("redis", ["--expose", "6379"], "redis");
        // docker run -d -v /var/run/docker.sock:/var/run/docker.sock --name red-amb cpuguy83/docker-grand-ambassador -name redis
        await _docker.RunAsync("red-amb", ["-v", "/var/run/docker.sock:/var/run/docker.sock"], Image, "-name", _docker.Name("redis"));

        // docker run -i -t --rm --link red-amb:redis relateiq/redis-cli (here: one ping, the first attempt only)
        var (exitCode, output, error) = await PingOnceAsync();
        Assert.True(exitCode == 0 && output == "PONG", $"redis-cli exited {exitCode}: {output} {error}");
    }

    [Fact]
    public async Task AmbassadorStartedBeforeRedis_ServesOnceRedisRuns_AndFollowsARecreatedRedis()
    {
        await _docker.RunAsync("red-amb", ["-v", "/var/run/docker.sock:/var/run/docker.sock"], Image, "-name", _docker.Name("redis"));
        await _docker.RunAsync("redis", ["--expose", "6379"], "redis");
        Assert.Equal("PONG", await PingThroughAmbassadorAsync());

        // docker rm -f redis; docker run -d --expose 6379 --name redis redis
        await DockerCli.RunAsync("rm", "-f", _docker.Name("redis"));
        await _docker.RunAsync("redis", ["--expose", "6379"], "redis");

        Assert.Equal("PONG", await PingThroughAmbassadorAsync());
    }

    /// <summary>The same, retried until it answers: for the later steps, where waiting is the point.</summary>
    private Task<string> PingThroughAmbassadorAsync() =>
        Eventually.GetAsync(async () =>
        {
            var (exitCode, output, error) = await PingOnceAsync();
            return exitCode == 0 && output == "PONG"
                ? output
                : throw new InvalidOperationException($"redis-cli exited {exitCode}: {output} {error}");
        }, what: "redis-cli ping through the ambassador");

    /// <summary>docker run --rm --link red-amb:db redis redis-cli -h db ping</summary>
    private Task<(int ExitCode, string Output, string Error)> PingOnceAsync() =>
        DockerCli.TryRunAsync("run", "--rm", "--link", $"{_docker.Name("red-amb")}:db", "redis", "redis-cli", "-h", "db", "ping");
}
