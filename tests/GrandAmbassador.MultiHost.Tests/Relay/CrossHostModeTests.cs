using GrandAmbassador.MultiHost.Tests.Lab;
using Xunit.Abstractions;

namespace GrandAmbassador.MultiHost.Tests.Relay;

/// <summary>
/// Issue 17's <c>--cross-host</c>: a Redis on host a that does publish its port (<c>-p 16479:6379</c>). With
/// <c>--cross-host relay</c> on host c, its connections go through host a's relay and never to the published port;
/// with <c>--cross-host published</c>, to the published port and never through the relay. Shown by a capture of
/// both ports on the lab bridge while 20 new connections PING through c, and by <c>status</c>.
/// </summary>
public sealed class CrossHostModeTests(ITestOutputHelper output) : LabTest(output)
{
    private const int RelayPort = 11180;
    private const int PublishedPort = 16479;
    private const int NewConnections = 20;

    [Fact]
    public Task CrossHostRelay_APublishedContainerIsReachedThroughItsHostsRelay_NeverAtItsPublishedPort() => RunAsync("relay");

    [Fact]
    public Task CrossHostPublished_APublishedContainerIsReachedAtItsPublishedPort_NeverThroughTheRelay() => RunAsync("published");

    private async Task RunAsync(string mode)
    {
        using var stage = new RelayStage(Lab);
        await stage.UseTlsAsync();
        await stage.RunRedisAsync(publishedPort: PublishedPort);
        string[] relay = ["--relay-port", $"{RelayPort}"];
        await stage.StartAsync(aOptions: relay, cOptions: [.. relay, "--cross-host", mode]);
        var (_, route) = await stage.RoutedAsync();
        Output.WriteLine($"host c: {route}");

        List<CapturedPacket> packets;
        await using (var capture = await PacketCapture.StartAsync(RelayPort, PublishedPort))
        {
            for (var i = 0; i < NewConnections; i++)
            {
                Assert.Equal("+PONG", await RelayStage.PingAsync(RelayStage.ThroughC));
            }

            packets = [.. await capture.StopAsync()];
        }

        var a = MultiHostLab.Address("a");
        var toRelay = packets.Where(p => p.Involves(RelayPort)).ToList();
        var toPublished = packets.Where(p => p.Involves(PublishedPort)).ToList();
        Output.WriteLine($"figures: --cross-host {mode}, {NewConnections} new connections through c: relay port {RelayPort}: {toRelay.Count} packets " +
            $"({toRelay.Count(p => p.IsSyn)} connections opened, {toRelay.Sum(p => p.Payload.Length)} payload bytes); " +
            $"published port {PublishedPort}: {toPublished.Count} packets ({toPublished.Count(p => p.IsSyn)} connections opened)");

        // Host a's own count of the connections its relay took (/metrics, the name "(relay)"), read in host a.
        var metrics = await MultiHostLab.RunAsync("exec", "a", "curl", "-sS", "-m", "10", "http://127.0.0.1:8787/metrics");
        var relayAccepted = metrics.Split('\n')
            .Where(line => line.StartsWith("grand_ambassador_connections_accepted", StringComparison.Ordinal) && line.Contains("\"(relay)\"", StringComparison.Ordinal))
            .ToList();
        Output.WriteLine("host a's /metrics: " + (relayAccepted.Count == 0 ? "no (relay) connections_accepted line" : string.Join("; ", relayAccepted)));
        var relayedByA = relayAccepted.Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

        var status = await stage.StatusSaysAsync(mode == "relay"
            ? RelayStage.ReachedThroughRelay("c", "a", RelayPort)
            : $"from {MultiHostLab.HostId("c")}: published {a}:{PublishedPort}");
        Output.WriteLine(status);
        if (mode == "relay")
        {
            Assert.Contains(toRelay, p => p.Destination == a && p.DestinationPort == RelayPort && p.Payload.Length > 0);
            Assert.True(relayedByA >= NewConnections, $"host a's relay counted {relayedByA} connections, fewer than the {NewConnections} made through c");
            Assert.True(toPublished.Count == 0, $"{toPublished.Count} packets to or from the published port {PublishedPort} with --cross-host relay");
        }
        else
        {
            Assert.True(toPublished.Count(p => p.Destination == a && p.DestinationPort == PublishedPort && p.IsSyn) >= NewConnections,
                $"fewer than {NewConnections} connections to the published port {PublishedPort} with --cross-host published");
            Assert.True(toRelay.Count == 0, $"{toRelay.Count} packets to or from host a's relay port {RelayPort} with --cross-host published");
            Assert.True(relayedByA == 0, $"host a's relay counted {relayedByA} connections with --cross-host published");
            Assert.DoesNotContain("relay through", status, StringComparison.Ordinal);
        }
    }
}
