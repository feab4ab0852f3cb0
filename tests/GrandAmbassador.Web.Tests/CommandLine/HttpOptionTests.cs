using GrandAmbassador.CommandLine;

namespace GrandAmbassador.Web.Tests.CommandLine;

[Collection(GrandAmbassador.Web.Tests.Harness.WebCollection.Name)]
public sealed class HttpOptionTests
{
    [Fact]
    public void Default_IsLoopback8787()
    {
        var settings = AmbassadorCommandLine.ParseSettings("--name", "web");

        Assert.Equal("127.0.0.1:8787", settings.Http.Endpoint!.ToString());
        Assert.True(settings.Http.IsDefault);
    }

    [Fact]
    public async Task NoDashboard_LeavesOutOnlyTheOrleansDashboard()
    {
        await using var ambassador = await GrandAmbassador.Web.Tests.Harness.WebAmbassador.StartAsync("--no-agent", "--no-dashboard");

        using var dashboard = await ambassador.Http.GetAsync("orleans/");
        using var names = await ambassador.Http.GetAsync("api/names");
        var page = await ambassador.Http.GetStringAsync("");

        Assert.Equal(System.Net.HttpStatusCode.NotFound, dashboard.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, names.StatusCode);
        Assert.DoesNotContain("orleans/", page, StringComparison.Ordinal); // no link to a 404
        Assert.Contains("api/names", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_IsMappedAtItsFirstRequest_AndOrleansWithoutASlashLeadsThere()
    {
        await using var ambassador = await GrandAmbassador.Web.Tests.Harness.WebAmbassador.StartAsync("--no-agent");

        // Redirected to /orleans/, where the page's relative script and style paths resolve.
        using var page = await ambassador.Http.GetAsync("orleans");
        using var script = await ambassador.Http.GetAsync("orleans/index.min.js");
        using var counters = await ambassador.Http.GetAsync("orleans/DashboardCounters");

        Assert.Equal("/orleans/", page.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("index.min.js", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.OK, script.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, counters.StatusCode);
    }

    [Fact]
    public void Off_DisablesIt() =>
        Assert.False(AmbassadorCommandLine.ParseSettings("--http", "off").Http.Enabled);

    [Theory]
    [InlineData(new[] { "--name", "web", "--port", "9000", "--http", "127.0.0.1:9000" }, "--port 9000:9000/tcp: port 9000/tcp is the HTTP server's")]
    [InlineData(new[] { "--http", "localhost" }, "--http localhost: expected ADDR:PORT")]
    [InlineData(new[] { "--http", "127.0.0.1:70000" }, "--http 127.0.0.1:70000: expected ADDR:PORT")]
    [InlineData(new[] { "--http-token", "a", "--http-token-file", "/x" }, "give one of them")]
    [InlineData(new[] { "--http-token-file", "/nonexistent/token" }, "--http-token-file /nonexistent/token:")]
    public void BadInput_IsOneClearError(string[] args, string message)
    {
        var error = Assert.ThrowsAny<GrandAmbassador.Configuration.InvalidSettingException>(() => AmbassadorCommandLine.ParseSettings(args));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpPortThatAFrontedNameWants_ExitsWith2AndOneLine()
    {
        var stderr = new StringWriter();
        var previous = Console.Error;
        Console.SetError(stderr);
        int code;
        try
        {
            code = await AmbassadorCommandLine.RunAsync(["--name", "web", "--port", "8787"]);
        }
        finally
        {
            Console.SetError(previous);
        }

        Assert.Equal(AmbassadorCommandLine.BadInput, code);
        Assert.Equal("grand-ambassador: error: --port 8787:8787/tcp: port 8787/tcp is the HTTP server's (--http 127.0.0.1:8787); pick another port or move --http", stderr.ToString().Trim());
    }
}
