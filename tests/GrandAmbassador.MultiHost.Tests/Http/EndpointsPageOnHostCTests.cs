using System.Diagnostics;
using GrandAmbassador.MultiHost.Tests.Lab;
using GrandAmbassador.Web.Tests.Browser;
using OpenQA.Selenium;
using Xunit.Abstractions;

namespace GrandAmbassador.MultiHost.Tests.Http;

/// <summary>Host c's endpoints page, at host c's lab address behind a token, in a real headless chromium.</summary>
public sealed class EndpointsPageOnHostCTests(ITestOutputHelper output) : LabTest(output)
{
    private const int HttpPort = 18787;
    private const string Token = "page-lab-token";
    private static readonly TimeSpan PageGuard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task PageOnHostC_ShowsWebOnHostsAAndB_AndFollowsARedeployToB_WithoutAReload()
    {
        await Lab.RunWebAsync("a");
        Lab.StartAmbassador("a");
        Lab.StartAmbassador("b");
        Lab.StartAmbassador("c", [Lab.Web], ["--http", $"{MultiHostLab.Address("c")}:{HttpPort}", "--http-token", Token]);
        await Lab.RoutedToAsync("c", ["a"]);

        using var chrome = new ChromeSession();
        chrome.Driver.Navigate().GoToUrl($"http://{MultiHostLab.Address("c")}:{HttpPort}/");
        chrome.Until(d => d.FindElement(By.Id("token")), PageGuard).SendKeys(Token);
        chrome.Driver.FindElement(By.CssSelector("#login button")).Click();
        WaitForHosts(chrome, ["ga-host-a"], PageGuard);
        Assert.Equal($"ga-host-c ({LabScenario.WebPort}/tcp)", FrontedBy(chrome));
        ((IJavaScriptExecutor)chrome.Driver).ExecuteScript("window.notReloaded = true;");

        // The redeploy: the new container starts on host b; the old one on a is stopped, then removed.
        await Lab.RunWebAsync("b");
        var started = Stopwatch.StartNew();
        WaitForHosts(chrome, ["ga-host-a", "ga-host-b"], PageGuard);
        Output.WriteLine($"the page showed web on host b {started.ElapsedMilliseconds} ms after `docker run` on b returned");
        Assert.Equal("running", State(chrome, "ga-host-b"));
        chrome.Screenshot("endpoints-page-multihost-during-redeploy");

        await MultiHostLab.DockerAsync("a", "stop", "-t", "10", Lab.Web);
        await MultiHostLab.DockerAsync("a", "rm", Lab.Web);
        var removed = Stopwatch.StartNew();
        WaitForHosts(chrome, ["ga-host-b"], PageGuard);
        Output.WriteLine($"the page dropped host a {removed.ElapsedMilliseconds} ms after `docker rm` on a returned");
        chrome.Screenshot("endpoints-page-multihost-after-redeploy");

        Assert.Equal(true, ((IJavaScriptExecutor)chrome.Driver).ExecuteScript("return window.notReloaded === true;"));
        Assert.Equal($"ga-host-c ({LabScenario.WebPort}/tcp)", FrontedBy(chrome));
    }

    /// <summary>Waits until the web name's rows are exactly <paramref name="hosts"/>' containers.</summary>
    private void WaitForHosts(ChromeSession chrome, string[] hosts, TimeSpan timeout) =>
        chrome.Until(d =>
        {
            var shown = d.FindElements(By.CssSelector($"section[data-name='{Lab.Web}'] tr[data-container='{Lab.Web}'] td:first-child"))
                .Select(cell => cell.Text)
                .Order(StringComparer.Ordinal);
            return shown.SequenceEqual(hosts) ? "" : null;
        }, timeout);

    // Each read happens inside Until: the page re-renders its rows on every update, and an element
    // found just before one is stale by the time its text is read; Until reads it again.
    private string State(ChromeSession chrome, string host) =>
        chrome.Until(d => d.FindElements(By.CssSelector($"section[data-name='{Lab.Web}'] tr[data-container='{Lab.Web}']"))
            .Single(row => row.FindElement(By.CssSelector("td:first-child")).Text == host)
            .FindElement(By.CssSelector("td .state"))
            .Text, PageGuard);

    private string FrontedBy(ChromeSession chrome) =>
        chrome.Until(d => d.FindElement(By.CssSelector($"section[data-name='{Lab.Web}'] p.fronted-by [data-fronted-by]")).Text, PageGuard);
}
