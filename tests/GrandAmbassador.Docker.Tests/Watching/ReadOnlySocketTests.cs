using System.Net;
using System.Text.RegularExpressions;
using GrandAmbassador.Docker.Tests.Lab;
using GrandAmbassador.Testing;
using Xunit.Abstractions;

namespace GrandAmbassador.Docker.Tests.Watching;

/// <summary>
/// The agent behind HAProxy allowing only GET on containers, events, info (and _ping, version):
/// it still follows a container through start, rename and stop, it never asked for anything else,
/// and a write through the same socket is refused with 403.
/// </summary>
public sealed partial class ReadOnlySocketTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly DockerScope _docker = new("ga-trust");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _docker.DisposeAsync();

    [Fact]
    public async Task Agent_ThroughAReadOnlySocketProxy_FollowsStartRenameStop_AndWritesAreRefused()
    {
        await using var proxy = await ReadOnlyDockerSocket.StartAsync();
        await using (var agent = await AgentHarness.StartAsync(options => options.Endpoint = proxy.Endpoint))
        {
            await agent.Sink.WaitForReconcileAsync(1);

            var id = await _docker.RunHttpdAsync("web", 8080);
            await agent.Sink.WaitForEndpointAsync(e => e.ContainerId == id && e.Running);
            await DockerCli.RunAsync("rename", id, _docker.Name("renamed"));
            await agent.Sink.WaitForEndpointAsync(e => e.ContainerId == id && e.ContainerName == _docker.Name("renamed"));
            await DockerCli.RunAsync("stop", "-t", "0", id);
            await agent.Sink.WaitForEndpointAsync(e => e.ContainerId == id && !e.Running);

            var start = await proxy.Client.PostAsync(new Uri($"/containers/{id}/start", UriKind.Relative), null);
            var create = await proxy.Client.PostAsync(new Uri("/v1.41/containers/create", UriKind.Relative), new StringContent("{}"));
            var logs = await proxy.Client.GetAsync(new Uri($"/containers/{id}/logs?stdout=1", UriKind.Relative));
            Assert.Equal(HttpStatusCode.Forbidden, start.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, logs.StatusCode);
            Assert.Equal("false", await DockerScope.InspectAsync(id, "{{.State.Running}}"));
        }

        // What the agent asked for, none refused by the filter (a container of another test may be
        // gone by the time it is inspected: the engine's 404 is an answer): the list the README documents.
        var asked = proxy.Requests.Where(r => !r.Path.EndsWith("/start", StringComparison.Ordinal) && !r.Path.EndsWith("/create", StringComparison.Ordinal)
            && !r.Path.EndsWith("/logs", StringComparison.Ordinal)).ToList();
        // /version unversioned (to learn the engine's API version), everything else at that version.
        var kinds = asked.Select(r => $"{r.Method} {ContainerId().Replace(ApiPrefix().Replace(r.Path, "/v{api}/"), "{id}")}").Distinct().Order(StringComparer.Ordinal).ToList();
        output.WriteLine(string.Join(Environment.NewLine, kinds));
        Assert.All(asked, r => Assert.True(r.Status is 200 or 404, $"{r.Method} {r.Path}: {r.Status}"));
        Assert.Equal(["GET /version", "GET /v{api}/containers/json", "GET /v{api}/containers/{id}/json", "GET /v{api}/events", "GET /v{api}/info"], kinds);
    }

    [GeneratedRegex("(?<=^/v{api}/containers/)[0-9a-f]{64}(?=/json$)")]
    private static partial Regex ContainerId();

    [GeneratedRegex(@"^/v[0-9]+\.[0-9]+/")]
    private static partial Regex ApiPrefix();
}
