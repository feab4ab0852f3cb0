using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using GrandAmbassador.Testing;
using GrandAmbassador.Web.Tests.Harness;

namespace GrandAmbassador.Web.Tests.Api;

/// <summary>
/// <c>/api/names</c> says, under each port of each container, how each fronting ambassador reaches it (<c>reached</c>:
/// from, how, unreachable), and why a relay that this ambassador's dials found shut is unreachable, since when.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class ReachApiTests
{
    [Fact]
    public async Task Names_SaysHowEachDestinationIsReached_AndWhyAHostsRelayCannotBe()
    {
        var name = $"ga-reach-{Guid.NewGuid().ToString("N")[..8]}";
        var port = FreePort.Next();
        int relayPort = OtherHosts.DeadPort(), publishedPort = OtherHosts.DeadPort();
        var at = OtherHosts.Address;
        await using var ambassador = await WebAmbassador.StartAsync("--no-agent", "--name", name, "--port", $"{port}:8080");
        var self = await SelfAsync(ambassador);
        await ambassador.ReportAsync(OtherHosts.Relayed("ga-far", "far", name, 8080, relayPort));
        await ambassador.ReportAsync(OtherHosts.Published("ga-pub", "pub", name, 8080, publishedPort));

        var (_, routed) = await ambassador.PollAsync($"api/names/{name}", (status, json) => status == HttpStatusCode.OK && Reached(json).Count == 2);
        Assert.Equal(
            new Dictionary<string, (string, string, bool)>
            {
                ["far"] = (self, $"relay through host ga-far ({at}:{relayPort})", false),
                ["pub"] = (self, $"published {at}:{publishedPort}", false),
            },
            Reached(routed));

        // A client is held (nothing answers at either), and this ambassador's dials find host ga-far's relay shut.
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        var (_, failing) = await ambassador.PollAsync($"api/names/{name}", (_, json) => Reached(json).GetValueOrDefault("far").Unreachable);

        var (from, how, unreachable) = Reached(failing)["far"];
        Assert.Equal(self, from);
        Assert.True(unreachable);
        Assert.Matches($@"^{Regex.Escape($"relay through host ga-far ({at}:{relayPort}), unreachable since ")}\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\dZ: connection refused$", how);
        // A published port that refuses is only a failed dial: it is not a host's relay, and says nothing more.
        Assert.Equal((self, $"published {at}:{publishedPort}", false), Reached(failing)["pub"]);
    }

    /// <summary>This ambassador's host id, as <c>/api/names</c> names it.</summary>
    internal static async Task<string> SelfAsync(WebAmbassador ambassador)
    {
        using var view = JsonDocument.Parse(await ambassador.Http.GetStringAsync("api/names"));
        return view.RootElement.GetProperty("ambassador").GetString()!;
    }

    /// <summary>Each container's one port's one <c>reached</c> entry, by container name.</summary>
    private static Dictionary<string, (string From, string How, bool Unreachable)> Reached(string json)
    {
        using var view = JsonDocument.Parse(json);
        return view.RootElement.GetProperty("endpoints").EnumerateArray()
            .Where(endpoint => endpoint.GetProperty("ports")[0].GetProperty("reached").GetArrayLength() > 0)
            .ToDictionary(
                endpoint => endpoint.GetProperty("container").GetString()!,
                endpoint => endpoint.GetProperty("ports")[0].GetProperty("reached")[0] is var reached
                    ? (reached.GetProperty("from").GetString()!, reached.GetProperty("how").GetString()!, reached.GetProperty("unreachable").GetBoolean())
                    : default);
    }
}
