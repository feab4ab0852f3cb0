using System.Net;
using System.Text.RegularExpressions;
using GrandAmbassador.Testing;
using GrandAmbassador.Web.Tests.Harness;
using OpenQA.Selenium;

namespace GrandAmbassador.Web.Tests.Browser;

/// <summary>The page says under each container how this ambassador reaches it, and why a host's relay is unreachable, live.</summary>
[Collection(WebCollection.Name)]
public sealed class ReachOnThePageTests
{
    private static readonly TimeSpan PageGuard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Page_SaysHowEachContainerIsReached_AndTurnsARelayRedWithItsReasonOnceItsDialsAreRefused()
    {
        await using var docker = new DockerScope("http-page-reach");
        await docker.RunHttpdAsync("web", 8080);
        var name = docker.Name("web");
        var address = (await DockerScope.InspectAsync(name, "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}")).Trim();
        var port = FreePort.Next();
        var relayPort = OtherHosts.DeadPort();
        await using var ambassador = await WebAmbassador.StartAsync("--name", name, "--port", $"{port}:8080");
        await ambassador.ReportAsync(OtherHosts.Relayed("ga-far", "far", name, 8080, relayPort));
        using var chrome = new ChromeSession();
        chrome.Driver.Navigate().GoToUrl(ambassador.BaseAddress);
        var self = chrome.Until(d => d.FindElement(By.Id("ambassador")).Text is { Length: > 0 } text ? text["ambassador ".Length..] : null, PageGuard);

        Assert.Equal($"8080/tcp from {self}: local {address}:8080", Reached(chrome, name, name));
        var relayed = $"8080/tcp from {self}: relay through host ga-far ({OtherHosts.Address}:{relayPort})";
        Assert.Equal(relayed, Reached(chrome, name, "far"));

        // New connections take turns: those that start at ga-far's relay are refused there and served by the local container.
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(Clients.HttpOk, await Clients.HttpGetStatusAsync(new IPEndPoint(IPAddress.Loopback, port)));
        }

        // Class and text read together: the line is re-rendered with every update.
        var shown = chrome.Until(
            d => d.FindElement(By.CssSelector($"section[data-name='{name}'] tr[data-container='far'] td.reach div.reached")) is var line
                && line.GetAttribute("class") is { } style && style.Contains("error", StringComparison.Ordinal)
                ? $"{style}\n{line.Text}"
                : null,
            PageGuard).Split('\n', 2);
        var (style, text) = (shown[0], shown[1]);
        chrome.Screenshot("endpoints-page-relay-unreachable");
        Assert.Matches($@"^{Regex.Escape(relayed + ", unreachable since ")}\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\dZ: connection refused$", text);
        Assert.Equal("reached here error", style);
        Assert.Equal($"8080/tcp from {self}: local {address}:8080", Reached(chrome, name, name));
    }

    // Read inside Until: the page re-renders its rows on every update, so a line found a moment ago may be stale.
    private static string Reached(ChromeSession chrome, string name, string container) =>
        chrome.Until(d => d.FindElement(By.CssSelector($"section[data-name='{name}'] tr[data-container='{container}'] td.reach div.reached")).Text, PageGuard);
}
