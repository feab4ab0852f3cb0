using System.Diagnostics;
using System.Globalization;
using System.Net;
using GrandAmbassador.Testing;
using GrandAmbassador.Web.Tests.Harness;
using OpenQA.Selenium;
using Xunit.Abstractions;

namespace GrandAmbassador.Web.Tests.Browser;

[Collection(WebCollection.Name)]
public sealed class EndpointsPageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan PageGuard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Page_ShowsTheFrontedContainer_AndItsNewStartTimeAfterARestart_WithoutAReload()
    {
        await using var docker = new DockerScope("http-page");
        await docker.RunHttpdAsync("web", 8080);
        var name = docker.Name("web");
        var port = FreePort.Next();
        await using var ambassador = await WebAmbassador.StartAsync("--name", name, "--port", $"{port}:8080");
        using var chrome = new ChromeSession();
        chrome.Driver.Navigate().GoToUrl(ambassador.BaseAddress);

        var started = Started(chrome, name, previous: null, PageGuard);
        Assert.Equal(await StartedAtAsync(name), started);
        Assert.Contains(name, RowText(chrome, name), StringComparison.Ordinal);
        Assert.Contains($"{port}/tcp", chrome.Until(d => d.FindElement(By.CssSelector($"section[data-name='{name}'] table.listeners")).Text, PageGuard), StringComparison.Ordinal);
        var frontedBy = chrome.Until(d => d.FindElement(By.CssSelector($"section[data-name='{name}'] p.fronted-by [data-fronted-by]")).Text, PageGuard);
        Assert.Equal($"{chrome.Driver.FindElement(By.Id("ambassador")).Text["ambassador ".Length..]} ({port}/tcp)", frontedBy);
        ((IJavaScriptExecutor)chrome.Driver).ExecuteScript("window.notReloaded = true;");

        await DockerCli.RunAsync("restart", "-t", "0", name);
        var restarted = Stopwatch.StartNew();
        var shown = Started(chrome, name, previous: started, TimeSpan.FromSeconds(2));
        var pageDelay = DateTimeOffset.UtcNow - DateTimeOffset.Parse(await DockerScope.InspectAsync(name, "{{.State.StartedAt}}"), CultureInfo.InvariantCulture);
        chrome.Screenshot("endpoints-page-after-restart");

        Assert.Equal(await StartedAtAsync(name), shown);
        Assert.Equal(true, ((IJavaScriptExecutor)chrome.Driver).ExecuteScript("return window.notReloaded === true;"));
        output.WriteLine($"page showed the new start time {restarted.ElapsedMilliseconds} ms after `docker restart` returned, {pageDelay.TotalMilliseconds:F0} ms after the container's start");
    }

    [Fact]
    public async Task FrontingANameFromThePage_OpensItsListener_AndAClientGetsThrough()
    {
        await using var docker = new DockerScope("http-front");
        await docker.RunHttpdAsync("web", 8080);
        var name = docker.Name("web");
        var port = FreePort.Next();
        await using var ambassador = await WebAmbassador.StartAsync();
        using var chrome = new ChromeSession();
        chrome.Driver.Navigate().GoToUrl(ambassador.BaseAddress);
        chrome.Until(d => d.FindElement(By.CssSelector($"section[data-name='{name}']")), PageGuard);

        chrome.Driver.FindElement(By.Id("front-name")).SendKeys(name);
        chrome.Driver.FindElement(By.Id("front-ports")).SendKeys($"{port}:8080");
        chrome.Driver.FindElement(By.CssSelector("#front button")).Click();

        var listener = chrome.Until(d => d.FindElement(By.CssSelector($"section[data-name='{name}'] tr[data-port='{port}/tcp']")).Text, PageGuard);
        Assert.Contains($"127.0.0.1:{port}", listener, StringComparison.Ordinal);
        Assert.Equal(Clients.HttpOk, await Clients.HttpGetStatusAsync(new IPEndPoint(IPAddress.Loopback, port)));
        chrome.Until(d => d.FindElement(By.CssSelector($"section[data-name='{name}'] tr[data-port='{port}/tcp'] td.accepted")).Text == "1" ? "" : null, PageGuard);
        chrome.Screenshot("endpoints-page-fronted-at-run-time");
    }

    [Fact]
    public async Task Page_ShowsTheFrontedNames_AndTheOthersOnlyBehindTheToggle_WithAnIcon()
    {
        await using var docker = new DockerScope("http-others");
        await docker.RunHttpdAsync("web", 8080);
        await docker.RunHttpdAsync("other", 8080);
        string name = docker.Name("web"), other = docker.Name("other");
        var port = FreePort.Next();
        await using var ambassador = await WebAmbassador.StartAsync("--name", name, "--port", $"{port}:8080");
        using var chrome = new ChromeSession();
        chrome.Driver.Navigate().GoToUrl(ambassador.BaseAddress);

        Assert.Equal("shown", chrome.Until(d => d.FindElement(By.CssSelector($"#names section[data-name='{name}']")).Displayed ? "shown" : "hidden", PageGuard));
        Assert.Equal("hidden", chrome.Until(d => d.FindElement(By.CssSelector($"#other-names section[data-name='{other}']")).Displayed ? "shown" : "hidden", PageGuard));
        Assert.Matches(@"^show \d+ other names? \(containers no ambassador fronts\)$", chrome.Driver.FindElement(By.Id("others")).Text);

        chrome.Driver.FindElement(By.Id("show-others")).Click();
        chrome.Until(d => d.FindElement(By.CssSelector($"#other-names section[data-name='{other}']")).Displayed ? "shown" : null, PageGuard);
        chrome.Screenshot("endpoints-page-other-names-shown");

        var icon = (string?)((IJavaScriptExecutor)chrome.Driver).ExecuteScript("return document.querySelector('link[rel=icon]').href;") ?? "no icon link";
        using var response = await ambassador.Http.GetAsync(new Uri(icon));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
        using var ico = await ambassador.Http.GetAsync("favicon.ico");
        Assert.Equal(HttpStatusCode.OK, ico.StatusCode);
    }

    [Fact]
    public async Task APortTakenByAnotherProcess_ReadyzAndThePageSayWhichAndWhy()
    {
        await using var docker = new DockerScope("http-taken");
        var port = FreePort.Next();
        await docker.RunHttpdAsync("web", port);
        var name = docker.Name("web");
        using var squatter = new System.Net.Sockets.TcpListener(IPAddress.Loopback, port);
        squatter.Start();
        await using var ambassador = await WebAmbassador.StartAsync("--name", name);

        var (status, body) = await ambassador.PollAsync("readyz", (_, text) => text.Contains("not serving", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.StartsWith($"not ready: not serving: {name}: port {port}/tcp is taken (", body, StringComparison.Ordinal);

        using var chrome = new ChromeSession();
        chrome.Driver.Navigate().GoToUrl(ambassador.BaseAddress);
        var problem = chrome.Until(d => d.FindElement(By.CssSelector($"section[data-name='{name}'] p.problem")).Text, PageGuard);
        Assert.StartsWith($"NOT serving — {name}: port {port}/tcp is taken (", problem, StringComparison.Ordinal);
        chrome.Screenshot("endpoints-page-port-taken");

        // The port frees: the retry binds it, and the cause goes away.
        squatter.Stop();
        await ambassador.PollAsync("readyz", (code, _) => code == HttpStatusCode.OK);
        chrome.Until(d => d.FindElements(By.CssSelector($"section[data-name='{name}'] p.problem")).Count == 0 ? "" : null, PageGuard);
    }

    [Fact]
    public async Task WaitingForTheToken_IsANeutralSigningIn_NotARedConnecting()
    {
        await using var ambassador = await WebAmbassador.StartAsync("--no-agent", "--http-token", "s3cret");
        using var chrome = new ChromeSession();
        chrome.Driver.Navigate().GoToUrl(ambassador.BaseAddress);

        chrome.Until(d => d.FindElement(By.Id("login")) is { Displayed: true } login ? login : null, PageGuard);
        var live = chrome.Driver.FindElement(By.Id("live"));
        Assert.Equal("signing in", live.Text);
        Assert.Equal("live wait", live.GetAttribute("class"));

        chrome.Driver.FindElement(By.Id("token")).SendKeys("s3cret");
        chrome.Driver.FindElement(By.CssSelector("#login button")).Click();
        chrome.Until(d => d.FindElement(By.Id("live")).Text == "live" ? "" : null, PageGuard);
    }

    [Fact]
    public async Task OrleansDashboard_LoadsAndListsTheSilo()
    {
        await using var ambassador = await WebAmbassador.StartAsync("--no-agent");
        using var chrome = new ChromeSession();

        // Reached the way a user reaches it: by the page's link.
        chrome.Driver.Navigate().GoToUrl(ambassador.BaseAddress);
        var link = chrome.Until(d => d.FindElement(By.LinkText("Orleans dashboard")).GetAttribute("href"), PageGuard);
        chrome.Driver.Navigate().GoToUrl(new Uri(new Uri(link!), "#/silos"));

        chrome.Until(d => d.FindElement(By.TagName("body")).Text.Contains(ambassador.SiloEndpoint, StringComparison.Ordinal) ? "" : null, PageGuard);
        chrome.Screenshot("orleans-dashboard");
    }

    // Read inside Until: the page re-renders its rows on every update, so a row found a moment ago may be stale.
    private static string RowText(ChromeSession chrome, string name) =>
        chrome.Until(d => d.FindElement(By.CssSelector($"section[data-name='{name}'] tr[data-container='{name}']")).Text, PageGuard);

    /// <summary>The start time the page shows for <paramref name="name"/>'s container, once it differs from <paramref name="previous"/>.</summary>
    private static string Started(ChromeSession chrome, string name, string? previous, TimeSpan timeout) =>
        chrome.Until(d =>
        {
            var text = d.FindElement(By.CssSelector($"section[data-name='{name}'] tr[data-container='{name}'] td.started")).Text;
            return text.Length > 0 && text != previous ? text : null;
        }, timeout);

    /// <summary>Docker's start time as the page prints it: "yyyy-MM-dd HH:mm:ssZ".</summary>
    private static async Task<string> StartedAtAsync(string name) =>
        DateTimeOffset.Parse(await DockerScope.InspectAsync(name, "{{.State.StartedAt}}"), CultureInfo.InvariantCulture)
            .UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "Z";
}
