using System.Net;
using System.Net.Sockets;
using GrandAmbassador.Testing;
using GrandAmbassador.Web.Tests.Harness;
using OpenQA.Selenium;

namespace GrandAmbassador.Web.Tests.Browser;

/// <summary>The page says who may connect to a fronted name, and counts the refused, live.</summary>
[Collection(WebCollection.Name)]
public sealed class AccessOnThePageTests
{
    private static readonly TimeSpan PageGuard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Page_SaysWhoMayConnect_AndCountsARefusedClient()
    {
        await using var docker = new DockerScope("http-page-access");
        await docker.RunHttpdAsync("web", 8080);
        var name = docker.Name("web");
        var port = FreePort.Next();
        await using var ambassador = await WebAmbassador.StartAsync(
            "--name", name, "--port", $"{port}:8080", "--allow", $"{name}=127.0.0.2/32,fd00::/64", "--max-connections-per-client", "10");
        using var chrome = new ChromeSession();
        chrome.Driver.Navigate().GoToUrl(ambassador.BaseAddress);

        var access = chrome.Until(d => d.FindElement(By.CssSelector($"section[data-name='{name}'] p.access")).Text, PageGuard);
        Assert.StartsWith("who may connect: allow 127.0.0.2/32, fd00::/64; 10 open per client", access, StringComparison.Ordinal);
        var frontedBy = chrome.Until(d => d.FindElement(By.CssSelector($"section[data-name='{name}'] p.fronted-by [data-fronted-by]")).Text, PageGuard);
        Assert.EndsWith($"({port}/tcp; allow 127.0.0.2/32, fd00::/64; 10 open per client)", frontedBy, StringComparison.Ordinal);

        using (var refused = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            refused.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.3"), 0));
            try
            {
                await refused.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).WaitAsync(PageGuard);
            }
            catch (SocketException)
            {
                // Reset before the connect's completion was seen: refused all the same.
            }
        }

        var cell = chrome.Until(
            d => d.FindElement(By.CssSelector($"section[data-name='{name}'] tr[data-port='{port}/tcp'] td.refused")) is { Text: "1" } shown ? shown.Text : null,
            PageGuard);
        Assert.Equal("1", cell);
        chrome.Screenshot("endpoints-page-access");
    }
}
