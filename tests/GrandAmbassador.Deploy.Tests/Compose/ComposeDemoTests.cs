using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using GrandAmbassador.Testing;
using Xunit.Abstractions;

namespace GrandAmbassador.Deploy.Tests.Compose;

/// <summary>
/// compose/demo.sh end to end on the machine's engine, as a new user runs it: three Docker-in-Docker
/// nodes with an agent beside each, TLS between their silos, a Redis with a password, node-c fronting
/// web and serving its endpoints page on the machine's loopback.
/// </summary>
[Collection(DeployCollection.Name)]
public sealed partial class ComposeDemoTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly IPEndPoint WebThroughNodeC = new(IPAddress.Loopback, 17080);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if ((await ComposeDemo.LeftoversAsync()).Length > 0)
        {
            var (_, logs, _) = await Tool.RunAsync("docker", ["logs", "--tail", "40", "ga-demo-agent-c"]);
            output.WriteLine($"--- agent-c ---{Environment.NewLine}{logs}");
            await ComposeDemo.RunAsync("down", TimeSpan.FromMinutes(3));
        }
    }

    [Fact]
    public async Task UpAfterAKilledUp_ServesThroughNodeC_RedeploysWithNoFailedRequest_AndDownLeavesNothing()
    {
        // A run killed half-way: the nodes exist, nothing waited for.
        using (var killed = ComposeDemo.StartUp())
        {
            await Eventually.GetAsync(
                async () => (await DockerCli.RunAsync("ps", "-q", "--filter", "name=ga-demo-node-a")).Length > 0 ? true : throw new InvalidOperationException("no node-a yet"),
                TimeSpan.FromMinutes(5),
                "node-a started by the first up");
            killed.Kill(entireProcessTree: true);
            await killed.WaitForExitAsync();
        }

        var clock = Stopwatch.StartNew();
        var up = await ComposeDemo.RunAsync("up", TimeSpan.FromMinutes(9));
        output.WriteLine($"demo.sh up: exit {up.ExitCode} after {clock.Elapsed.TotalSeconds:F0} s{Environment.NewLine}{up.Output}{up.Error}");
        Assert.True(up.ExitCode == 0, "demo.sh up failed");
        Assert.Contains("http://127.0.0.1:17080/", up.Output);
        Assert.Equal("web v1 on node-a", await GetPageAsync());

        // Made by Compose v2 (ComposeDemo.ComposeV2), as `docker compose` users run it; 1.29 labels its containers 1.29.x.
        var madeBy = await DockerCli.RunAsync("inspect", "-f", "{{index .Config.Labels \"com.docker.compose.version\"}}", "ga-demo-node-a");
        Assert.StartsWith("2.", madeBy);

        // TLS between the silos: each agent started with its own certificate from `grand-ambassador tls`.
        Assert.Matches("(?m)^cluster TLS: +on", up.Output);
        foreach (var node in new[] { "a", "b", "c" })
        {
            var (_, stdout, stderr) = await Tool.RunAsync("docker", ["logs", $"ga-demo-agent-{node}"]);
            Assert.Contains($"Cluster TLS: this host is CN=node-{node} ", stdout + stderr);
            Assert.DoesNotContain("Cluster without TLS", stdout + stderr);
        }

        // node-c's HTTP server, at the URL and with the token `up` printed.
        var printed = Dashboard().Match(up.Output);
        Assert.True(printed.Success, "up printed no endpoints URL with a token");
        var dashboard = new Uri(printed.Groups["url"].Value);
        var token = printed.Groups["token"].Value;
        using var http = new HttpClient { BaseAddress = dashboard, Timeout = TimeSpan.FromSeconds(30) };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("healthz", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(new Uri("api/names", UriKind.Relative))).StatusCode);
        using (var names = new HttpRequestMessage(HttpMethod.Get, new Uri("api/names", UriKind.Relative)))
        {
            names.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var answer = await http.SendAsync(names);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            using var view = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
            var web = view.RootElement.GetProperty("names").EnumerateArray().Single(n => n.GetProperty("name").GetString() == "web");
            Assert.Equal("node-a", web.GetProperty("endpoints")[0].GetProperty("hostId").GetString());
        }

        var status = await ComposeDemo.RunAsync("status", TimeSpan.FromMinutes(1));
        output.WriteLine(status.Output + status.Error);
        Assert.StartsWith("hosts: node-a (10.247.0.11), node-b (10.247.0.12), node-c (10.247.0.13)", status.Output);
        Assert.Contains("node-a  web (", status.Output);

        var stats = await DockerCli.RunAsync("stats", "--no-stream", "--format", "{{.Name}} {{.MemUsage}}");
        output.WriteLine(string.Join(Environment.NewLine, stats.Split('\n').Where(l => l.StartsWith("ga-demo", StringComparison.Ordinal))));

        // The endpoints page in a browser while redeploy runs: v2 on node-b beside v1 on node-a
        // (the README's screenshot), then only node-b, live.
        using var browser = new DashboardBrowser();
        browser.SignIn(dashboard, token);
        browser.UntilContainersOn("web", "node-a");
        var redeploying = ComposeDemo.RunAsync("redeploy", TimeSpan.FromMinutes(3));
        await Task.Run(() => browser.UntilContainersOn("web", "node-a", "node-b"));
        output.WriteLine($"screenshot during redeploy: {browser.Screenshot("compose-redeploy")}");
        var redeploy = await redeploying;
        output.WriteLine($"demo.sh redeploy: exit {redeploy.ExitCode}{Environment.NewLine}{redeploy.Output}{redeploy.Error}");
        var counted = Counts().Match(redeploy.Output);
        Assert.True(counted.Success, "redeploy printed no requests=N failed=F line");
        Assert.Equal("0", counted.Groups["failed"].Value);
        Assert.True(int.Parse(counted.Groups["requests"].Value, System.Globalization.CultureInfo.InvariantCulture) > 100, "too few requests to have covered the redeploy");
        Assert.Equal(0, redeploy.ExitCode);
        Assert.Equal("web v2 on node-b", await GetPageAsync());
        await Task.Run(() => browser.UntilContainersOn("web", "node-b"));

        var down = await ComposeDemo.RunAsync("down", TimeSpan.FromMinutes(3));
        Assert.True(down.ExitCode == 0, $"demo.sh down: {down.Output}{down.Error}");
        Assert.Empty(await ComposeDemo.LeftoversAsync());
        Assert.False(File.Exists(Path.Combine(Repository.Root, "compose", ".env")), "down left compose/.env (the Redis password)");
    }

    private static async Task<string> GetPageAsync()
    {
        var response = await Clients.ExchangeAsync(WebThroughNodeC, "GET / HTTP/1.0\r\n\r\n", halfClose: false);
        Assert.StartsWith(Clients.HttpOk, response);
        return response.Split("\r\n\r\n", 2)[1].Trim();
    }

    [GeneratedRegex(@"^node-c's endpoints: +(?<url>http://127\.0\.0\.1:[0-9]+/) +token: (?<token>[0-9a-f]+) ", RegexOptions.Multiline)]
    private static partial Regex Dashboard();

    [GeneratedRegex(@"^requests=(?<requests>[0-9]+) failed=(?<failed>[0-9]+)$", RegexOptions.Multiline)]
    private static partial Regex Counts();
}
