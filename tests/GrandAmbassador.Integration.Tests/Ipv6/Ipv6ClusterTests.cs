using System.Text.Json;
using GrandAmbassador.Integration.Tests.Harness;
using GrandAmbassador.Testing;

namespace GrandAmbassador.Integration.Tests.Ipv6;

/// <summary>
/// A cluster of one silo over IPv6: Redis reached at <c>redis://[::1]:PORT</c>, the silo advertised at an IPv6
/// address of this host (the gateway of an IPv6 Docker network made for the test, on the host's bridge), and
/// <c>status --json</c>, a client that finds the gateway through Redis, reaching it there.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class Ipv6ClusterTests : IAsyncLifetime
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);
    private readonly DockerScope _docker = new("ga-v6");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _docker.DisposeAsync();

    [Fact]
    public async Task ASiloAdvertisedAtAnIPv6Address_IsReachedThroughRedisOverIPv6_AndStatusSaysWhoMayConnect()
    {
        var network = await _docker.CreateIpv6NetworkAsync("net");
        // Docker gives the host's end of the bridge the subnet's first address (it lists no IPv6 gateway itself).
        var subnet = (await DockerCli.RunAsync("network", "inspect", "-f", "{{range .IPAM.Config}}{{.Subnet}} {{end}}", network))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Single(address => address.Contains(':', StringComparison.Ordinal));
        var advertise = subnet[..subnet.IndexOf('/', StringComparison.Ordinal)] + "1";
        var port = FreePort.Next();
        await _docker.RunHttpdAsync("web", port, "--network", network);

        // Only once a container is attached is the bridge up, and its address out of duplicate address detection.
        await Eventually.GetAsync(() => Task.FromResult(BindsAt(advertise)), what: $"{advertise} usable (duplicate address detection over)");
        var name = _docker.Name("web");
        await using var redis = await RedisServer.StartAsync("::1");
        var clusterId = $"ga-v6-{redis.Port}";

        await using var ambassador = await RunningAmbassador.StartAsync(
            "--name", name, "--allow", $"{name}=127.0.0.0/8,::1/128",
            "--cluster", redis.ClusterUri, "--cluster-id", clusterId, "--host-id", $"ga-v6-host-{redis.Port}",
            "--advertise", $"[{advertise}]", "--silo-port", $"{FreePort.Next()}", "--gateway-port", $"{FreePort.Next()}");
        await ambassador.RoutedAsync(name, port);
        var chose = await ambassador.Logs.WaitForAsync(line => line.EventId == 7008);
        Assert.Contains(advertise, chose.Message, StringComparison.Ordinal);

        var json = await Eventually.GetAsync(async () =>
        {
            var (code, text, error) = await AmbassadorProcess.RunAsync(Guard, "status", "--json", "--cluster", redis.ClusterUri, "--cluster-id", clusterId, name);
            return code == 0 && text.Contains("\"access\"", StringComparison.Ordinal)
                ? text
                : throw new InvalidOperationException($"status exited {code}: {text} {error}");
        }, what: "status over the IPv6 gateway listing the fronted name");

        using var status = JsonDocument.Parse(json);
        Assert.Contains(status.RootElement.GetProperty("hosts").EnumerateArray(), host => host.GetString()!.EndsWith($"({advertise})", StringComparison.Ordinal));
        var frontedBy = status.RootElement.GetProperty("names")[0].GetProperty("frontedBy")[0];
        Assert.Equal("allow 127.0.0.0/8, ::1/128", frontedBy.GetProperty("access").GetString());
    }

    /// <summary>A new address is "tentative", and cannot be bound, until the kernel's duplicate address detection ends.</summary>
    private static bool BindsAt(string address)
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetworkV6, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Parse(address), 0));
        return true;
    }
}
