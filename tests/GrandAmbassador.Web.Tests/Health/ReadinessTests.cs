using System.Net;
using GrandAmbassador.Testing;
using GrandAmbassador.Web.Tests.Harness;

namespace GrandAmbassador.Web.Tests.Health;

[Collection(WebCollection.Name)]
public sealed class ReadinessTests
{
    [Fact]
    public async Task Readyz_Is503UntilTheTargetsListenerOpens_AndWhileTheEngineIsDown()
    {
        await using var docker = new DockerScope("http-ready");
        await using var relay = new SocketRelay();
        await relay.StartAsync();
        var name = docker.Name("web");
        await using var ambassador = await WebAmbassador.StartAsync("--name", name, "--docker", relay.Endpoint.ToString());

        // Fronted, no explicit port, no container yet: nothing to listen on.
        var (_, waiting) = await ambassador.PollAsync("readyz", (status, body) => body.Contains("not listening yet", StringComparison.Ordinal));
        Assert.Equal($"not ready: not listening yet for: {name}\n", waiting);
        Assert.Equal(HttpStatusCode.OK, (await ambassador.Http.GetAsync("healthz")).StatusCode);

        await docker.RunHttpdAsync("web", FreePort.Next());
        var (ready, _) = await ambassador.PollAsync("readyz", (status, _) => status == HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, ready);

        await relay.StopAsync();
        var (down, reason) = await ambassador.PollAsync("readyz", (status, _) => status != HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down);
        Assert.Equal("not ready: the agent is not connected to its Docker engine\n", reason);

        await relay.StartAsync();
        var (back, _) = await ambassador.PollAsync("readyz", (status, _) => status == HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, back);
    }

    [Fact]
    public async Task Token_ProtectsApiAndDashboard_NotHealthOrMetrics()
    {
        await using var ambassador = await WebAmbassador.StartAsync("--no-agent", "--http-token", "s3cret");
        using var anonymous = new HttpClient { BaseAddress = ambassador.BaseAddress };

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/names")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/events")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("orleans/")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("api/names/web", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("")).StatusCode);
        anonymous.DefaultRequestHeaders.Authorization = new("Bearer", "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/names")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await ambassador.Http.GetAsync("api/names")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ambassador.Http.GetAsync("orleans/")).StatusCode);
    }
}
