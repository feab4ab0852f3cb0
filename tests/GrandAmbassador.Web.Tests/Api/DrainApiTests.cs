using System.Net;
using System.Text.Json;
using GrandAmbassador.Testing;
using GrandAmbassador.Web.Tests.Harness;

namespace GrandAmbassador.Web.Tests.Api;

/// <summary><c>POST /api/drain/{container}</c> and <c>/api/undrain/{container}</c> on a real engine and a real ambassador.</summary>
[Collection(WebCollection.Name)]
public sealed class DrainApiTests
{
    [Fact]
    public async Task Drain_AnswersOnceThisAmbassadorConfirmed_MarksTheContainerStopping_AndUndrainServesItAgain()
    {
        await using var docker = new DockerScope("drain-api");
        await docker.RunHttpdAsync("web", 8080);
        var name = docker.Name("web");
        var hostId = $"{docker.Prefix}-host";
        var port = FreePort.Next();
        var proxied = new IPEndPoint(IPAddress.Loopback, port);
        await using var ambassador = await WebAmbassador.StartAsync("--name", name, "--port", $"{port}:8080", "--host-id", hostId, "--wait", "1");
        await ambassador.PollAsync("readyz", (status, _) => status == HttpStatusCode.OK);
        Assert.Equal(Clients.HttpOk, await Clients.HttpGetStatusAsync(proxied));

        using var drained = await ambassador.Http.PostAsync($"api/drain/{name}?timeout=20", null);
        var body = await drained.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, drained.StatusCode);
        using (var result = JsonDocument.Parse(body))
        {
            var confirmed = result.RootElement.GetProperty("confirmedBy").EnumerateArray().Single();
            Assert.Equal(hostId, confirmed.GetProperty("host").GetString());
            Assert.Equal(name, confirmed.GetProperty("name").GetString());
            Assert.Empty(result.RootElement.GetProperty("pending").EnumerateArray());
        }

        await ambassador.PollAsync("api/names", (_, json) => StateOf(json, name) == "stopping");

        using var undrained = await ambassador.Http.PostAsync($"api/undrain/{name}", null);
        Assert.Equal(HttpStatusCode.OK, undrained.StatusCode);
        await ambassador.PollAsync("api/names", (_, json) => StateOf(json, name) == "running");
        Assert.Equal(Clients.HttpOk, await Clients.HttpGetStatusAsync(proxied));
    }

    [Theory]
    [InlineData("api/drain/ga-no-such-container", HttpStatusCode.NotFound, "no container ga-no-such-container on host ")]
    [InlineData("api/drain/x?timeout=soon", HttpStatusCode.BadRequest, "timeout soon: expected a number of seconds")]
    [InlineData("api/undrain/ga-no-such-container", HttpStatusCode.NotFound, "no container ga-no-such-container on host ")]
    public async Task Drain_OfNoSuchContainer_OrWithABadTimeout_IsOneLine(string path, HttpStatusCode status, string reason)
    {
        await using var ambassador = await WebAmbassador.StartAsync();
        await ambassador.PollAsync("readyz", (code, _) => code == HttpStatusCode.OK);
        // Orleans holds the agent's observer weakly: a collection here once made every drain time out.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        using var response = await ambassador.Http.PostAsync(path, null);

        Assert.Equal(status, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains(reason, text, StringComparison.Ordinal);
        Assert.Single(text.TrimEnd('\n').Split('\n'));
    }

    private static string? StateOf(string json, string name)
    {
        using var view = JsonDocument.Parse(json);
        return view.RootElement.GetProperty("names").EnumerateArray()
            .Where(entry => entry.GetProperty("name").GetString() == name)
            .SelectMany(entry => entry.GetProperty("endpoints").EnumerateArray())
            .Select(endpoint => endpoint.GetProperty("state").GetString())
            .FirstOrDefault();
    }
}
