using System.Security.Cryptography;
using GrandAmbassador.Integration.Tests.Harness;
using GrandAmbassador.Testing;
using static GrandAmbassador.Integration.Tests.Harness.RunningAmbassador;

namespace GrandAmbassador.Integration.Tests.SingleHost;

[Collection(DockerCollection.Name)]
public sealed class ExposedPortsTests : IAsyncLifetime
{
    private readonly DockerScope _docker = new("ga-it");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _docker.DisposeAsync();

    [Fact]
    public async Task EveryExposedPort_TcpAndUdp_IsProxiedOnTheSameNumber_WithHalfCloseCarried()
    {
        int echoA = FreePort.Next(), echoB = FreePort.Next(), udp = FreePort.Next();
        await _docker.RunAsync(
            "multi",
            ["--expose", $"{echoA}", "--expose", $"{echoB}", "--expose", $"{udp}/udp"],
            DockerScope.Socat, "sh", "-c",
            $"socat TCP-LISTEN:{echoA},fork,reuseaddr EXEC:cat & socat TCP-LISTEN:{echoB},fork,reuseaddr EXEC:cat & " +
            $"exec socat -b 65536 UDP-RECVFROM:{udp},fork,reuseaddr PIPE");
        var name = _docker.Name("multi");

        await using var ambassador = await StartAsync("--name", name);
        await Task.WhenAll(ambassador.RoutedAsync(name, echoA), ambassador.RoutedAsync(name, echoB), ambassador.RoutedAsync(name, udp, "udp"));

        // The echo server answers only once it has read the client's FIN, then closes: the exchange
        // completes only if the half-close travels through the proxy and the reply travels back.
        Assert.Equal("through port a", await Eventually.GetAsync(() => Clients.ExchangeAsync(Local(echoA), "through port a", halfClose: true)));
        Assert.Equal("through port b", await Clients.ExchangeAsync(Local(echoB), "through port b", halfClose: true));

        var small = await Eventually.GetAsync(() => Clients.UdpRoundTripAsync(Local(udp), "ping"u8.ToArray(), TimeSpan.FromSeconds(2)));
        Assert.Equal("ping"u8.ToArray(), small);
        var largest = RandomNumberGenerator.GetBytes(65_507);
        Assert.Equal(largest, await Clients.UdpRoundTripAsync(Local(udp), largest, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task UdpClients_EachGetTheirOwnSession_AndTheirOwnReplies()
    {
        var udp = FreePort.Next();
        await _docker.RunUdpEchoAsync("udp", udp);
        var name = _docker.Name("udp");
        await using var ambassador = await StartAsync("--name", name);
        await ambassador.RoutedAsync(name, udp, "udp");

        var replies = await Task.WhenAll(Enumerable.Range(0, 5).Select(client =>
            Eventually.GetAsync(() => Clients.UdpRoundTripAsync(Local(udp), BitConverter.GetBytes(client), TimeSpan.FromSeconds(2)))));

        Assert.Equal(Enumerable.Range(0, 5), replies.Select(reply => BitConverter.ToInt32(reply)));
    }
}
