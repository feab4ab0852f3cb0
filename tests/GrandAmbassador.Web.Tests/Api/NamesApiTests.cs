using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GrandAmbassador.Testing;
using GrandAmbassador.Web.Tests.Harness;

namespace GrandAmbassador.Web.Tests.Api;

[Collection(WebCollection.Name)]
public sealed class NamesApiTests
{
    [Theory]
    [InlineData("-bad", null, "not a valid container name")]
    [InlineData("web", "[\"80:x\"]", "'x' is not a port number")]
    [InlineData("web", "[\"53/sctp\"]", "unknown protocol 'sctp'")]
    [InlineData("web", "{", "body: expected JSON")]
    public async Task Front_BadInput_Is400WithOneLineReason(string name, string? ports, string reason)
    {
        await using var ambassador = await WebAmbassador.StartAsync("--no-agent");
        using var body = ports is null ? null : new StringContent(ports == "{" ? "{" : $"{{\"ports\": {ports}}}", System.Text.Encoding.UTF8, "application/json");

        using var response = await ambassador.Http.PostAsync($"api/names/{name}", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains(reason, text, StringComparison.Ordinal);
        Assert.Single(text.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task Names_ListsTheFrontedNames_TheOthersWithAll_AndOneNameByItsPath()
    {
        await using var docker = new DockerScope("http-api-all");
        await docker.RunHttpdAsync("web", 8080);
        await docker.RunHttpdAsync("other", 8080);
        string name = docker.Name("web"), other = docker.Name("other");
        await using var ambassador = await WebAmbassador.StartAsync("--name", name, "--port", $"{FreePort.Next()}:8080");

        var (_, all) = await ambassador.PollAsync("api/names?all=1", (_, json) => Names(json).Contains(other));
        Assert.Equal(name, Names(all)[0]);
        using var fronted = await ambassador.Http.GetAsync("api/names");
        var body = await fronted.Content.ReadAsStringAsync();
        Assert.Equal([name], Names(body));
        using (var view = JsonDocument.Parse(body))
        {
            Assert.True(view.RootElement.GetProperty("otherNames").GetInt32() >= 1);
        }

        using var one = await ambassador.Http.GetAsync($"api/names/{other}");
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        using (var view = JsonDocument.Parse(await one.Content.ReadAsStringAsync()))
        {
            Assert.Equal(other, view.RootElement.GetProperty("name").GetString());
            Assert.Equal(other, view.RootElement.GetProperty("endpoints")[0].GetProperty("container").GetString());
        }

        using var unknown = await ambassador.Http.GetAsync($"api/names/{docker.Name("nobody")}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Names_ShowsThePerNamePROXYProtocolSettings()
    {
        await using var docker = new DockerScope("http-api-pp");
        await docker.RunHttpdAsync("web", 8080);
        var name = docker.Name("web");
        await using var ambassador = await WebAmbassador.StartAsync("--name", name, "--port", $"{FreePort.Next()}:8080", "--proxy-protocol", $"{name}=v1", "--accept-proxy", name);

        var (_, body) = await ambassador.PollAsync($"api/names/{name}", (status, _) => status == HttpStatusCode.OK);

        using var view = JsonDocument.Parse(body);
        var fronting = view.RootElement.GetProperty("fronting");
        Assert.Equal("v1", fronting.GetProperty("proxyProtocol").GetString());
        Assert.True(fronting.GetProperty("acceptProxy").GetBoolean());
    }

    [Fact]
    public async Task Front_ANameWhoseExposedPortIsTaken_Is409NamingTheHolder()
    {
        await using var docker = new DockerScope("http-api-taken");
        int squatted = FreePort.Next(), shared = FreePort.Next();
        await docker.RunHttpdAsync("squatted", squatted);
        await docker.RunHttpdAsync("shared", shared);
        await using var ambassador = await WebAmbassador.StartAsync("--name", "http-api-holder", "--port", $"{shared}:80");
        using var squatter = new System.Net.Sockets.TcpListener(IPAddress.Loopback, squatted);
        squatter.Start();
        // Known to the cluster first: the grain is what the API reads the exposed ports from.
        await ambassador.PollAsync("api/names?all=1", (_, json) => json.Contains(docker.Name("shared"), StringComparison.Ordinal) && json.Contains(docker.Name("squatted"), StringComparison.Ordinal));

        using var byProcess = await ambassador.Http.PostAsync($"api/names/{docker.Name("squatted")}", null);
        using var byName = await ambassador.Http.PostAsync($"api/names/{docker.Name("shared")}", null);

        Assert.Equal(HttpStatusCode.Conflict, byProcess.StatusCode);
        Assert.StartsWith($"{docker.Name("squatted")}: port {squatted}/tcp is taken by another process (", await byProcess.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, byName.StatusCode);
        Assert.Equal($"{docker.Name("shared")}: port {shared}/tcp is taken by fronted name http-api-holder\n", await byName.Content.ReadAsStringAsync());
        using var names = await ambassador.Http.GetAsync("api/names");
        Assert.Equal(["http-api-holder"], Names(await names.Content.ReadAsStringAsync()));
    }

    private static string[] Names(string json)
    {
        using var view = JsonDocument.Parse(json);
        return [.. view.RootElement.GetProperty("names").EnumerateArray().Select(n => n.GetProperty("name").GetString()!)];
    }

    [Fact]
    public async Task Front_ThePortOfTheHttpServer_Is400()
    {
        await using var ambassador = await WebAmbassador.StartAsync("--no-agent");

        using var response = await ambassador.Http.PostAsJsonAsync("api/names/web", new { ports = new[] { $"{ambassador.BaseAddress.Port}:80" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("is the HTTP server's", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FrontThenRemove_OpensThenClosesTheListener()
    {
        await using var ambassador = await WebAmbassador.StartAsync("--no-agent");
        var port = FreePort.Next();

        using var added = await ambassador.Http.PostAsJsonAsync("api/names/http-api-web", new { ports = new[] { $"{port}:80" } });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        await AssertConnectsAsync(port, expected: true);
        using var again = await ambassador.Http.PostAsync("api/names/http-api-web", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        // The cluster learns who fronts the name from this ambassador's registration.
        var (_, body) = await ambassador.PollAsync("api/names", (_, json) => FrontedBy(json, "http-api-web").Length > 0);
        using var view = JsonDocument.Parse(body);
        var name = view.RootElement.GetProperty("names").EnumerateArray().Single(n => n.GetProperty("name").GetString() == "http-api-web");
        var fronting = name.GetProperty("fronting");
        Assert.Equal($"{port}:80/tcp", fronting.GetProperty("mappings")[0].GetString());
        Assert.Equal($"{port}/tcp", fronting.GetProperty("listeners")[0].GetProperty("port").GetString());
        Assert.Equal([$"{view.RootElement.GetProperty("ambassador").GetString()} ({port}/tcp)"], FrontedBy(body, "http-api-web"));

        using var removed = await ambassador.Http.DeleteAsync("api/names/http-api-web");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        await AssertConnectsAsync(port, expected: false);
        await ambassador.PollAsync("api/names", (_, json) => FrontedBy(json, "http-api-web").Length == 0);
        using var missing = await ambassador.Http.DeleteAsync("api/names/http-api-web");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Names_HasStatusJsonShapePlusLiveCounters()
    {
        await using var docker = new DockerScope("http-api");
        await docker.RunHttpdAsync("web", 8080);
        var name = docker.Name("web");
        var port = FreePort.Next();
        await using var ambassador = await WebAmbassador.StartAsync("--name", name, "--port", $"{port}:8080");
        await ambassador.PollAsync("readyz", (status, _) => status == HttpStatusCode.OK);
        Assert.Equal(Clients.HttpOk, await Clients.HttpGetStatusAsync(new IPEndPoint(IPAddress.Loopback, port)));

        var (_, body) = await ambassador.PollAsync("api/names", (_, json) => json.Contains("\"connections.accepted\":1", StringComparison.Ordinal));

        using var view = JsonDocument.Parse(body);
        Assert.NotEmpty(view.RootElement.GetProperty("hosts").EnumerateArray());
        var entry = view.RootElement.GetProperty("names").EnumerateArray().Single(n => n.GetProperty("name").GetString() == name);
        var endpoint = entry.GetProperty("endpoints")[0];
        Assert.Equal(name, endpoint.GetProperty("container").GetString());
        Assert.Equal("running", endpoint.GetProperty("state").GetString());
        Assert.Equal(12, endpoint.GetProperty("containerId").GetString()!.Length);
        Assert.Equal("8080/tcp", endpoint.GetProperty("ports")[0].GetProperty("port").GetString());
        var listener = entry.GetProperty("fronting").GetProperty("listeners")[0];
        Assert.Equal($"127.0.0.1:{port}", listener.GetProperty("address").GetString());
        Assert.Equal(0, listener.GetProperty("counters").GetProperty("connections.active").GetInt64());
        Assert.True(entry.GetProperty("fronting").GetProperty("listening").GetBoolean());
        var (_, registered) = await ambassador.PollAsync("api/names", (_, json) => FrontedBy(json, name).Length > 0);
        Assert.Equal([$"{view.RootElement.GetProperty("ambassador").GetString()} ({port}/tcp)"], FrontedBy(registered, name));
    }

    /// <summary>Who fronts <paramref name="name"/> in an <c>/api/names</c> body, as "HOST (PORT/PROTOCOL, …)"; none when the name is absent.</summary>
    private static string[] FrontedBy(string json, string name)
    {
        using var view = JsonDocument.Parse(json);
        return
        [
            .. view.RootElement.GetProperty("names").EnumerateArray()
                .Where(entry => entry.GetProperty("name").GetString() == name)
                .SelectMany(entry => entry.GetProperty("frontedBy").EnumerateArray())
                .Select(ambassador => $"{ambassador.GetProperty("hostId").GetString()} ({string.Join(", ", ambassador.GetProperty("listeners").EnumerateArray().Select(listener => listener.GetString()))})"),
        ];
    }

    private static async Task AssertConnectsAsync(int port, bool expected)
    {
        using var client = new System.Net.Sockets.TcpClient();
        var connected = true;
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
        }
        catch (System.Net.Sockets.SocketException)
        {
            connected = false;
        }

        Assert.Equal(expected, connected);
    }
}
