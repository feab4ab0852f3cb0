using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using GrandAmbassador.Testing;
using GrandAmbassador.Web.Tests.Harness;

namespace GrandAmbassador.Web.Tests.Api;

/// <summary>
/// IPv6 end to end on a real engine: a container on an IPv6 network that answers only on its IPv6 address, fronted
/// with <c>--listen ::1</c>, the HTTP server on <c>--http [::1]:PORT</c>, and its address shown bracketed.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class Ipv6Tests
{
    [Fact]
    public async Task AContainerReachableOnlyByIPv6_IsServedThroughListenIPv6Loopback_DialledAtIPv6First()
    {
        await using var docker = new DockerScope("http-ipv6");
        var network = await docker.CreateIpv6NetworkAsync("v6");
        var port = FreePort.Next();
        await docker.RunIpv6OnlyTcpEchoAsync("echo", port, "--network", network);
        var name = docker.Name("echo");
        var address = (await DockerScope.InspectAsync(name, $"{{{{(index .NetworkSettings.Networks \"{network}\").GlobalIPv6Address}}}}")).Trim();
        Assert.Contains(':', address);

        await using var ambassador = await WebAmbassador.StartOnAsync("::1", "--name", name, "--prefer-ipv6");
        Assert.Equal("[::1]", ambassador.BaseAddress.Host);
        var (_, json) = await ambassador.PollAsync($"api/names/{name}", (status, body) => status == HttpStatusCode.OK
            && body.Contains("\"listening\":true", StringComparison.Ordinal) && body.Contains($"[{address}]:{port}", StringComparison.Ordinal));

        // The container's address as people and URLs write it, with the port.
        using (var view = JsonDocument.Parse(json))
        {
            var ours = view.RootElement.GetProperty("endpoints")[0].GetProperty("ports").EnumerateArray()
                .Single(shown => shown.GetProperty("port").GetString() == $"{port}/tcp");
            var addresses = ours.GetProperty("addresses");
            Assert.Contains(addresses.EnumerateArray(), shown => shown.GetString()!.StartsWith($"[{address}]:{port} ", StringComparison.Ordinal));
            Assert.Contains(
                view.RootElement.GetProperty("fronting").GetProperty("listeners").EnumerateArray(),
                listener => listener.GetProperty("address").GetString() == $"[::1]:{port}");
        }

        Assert.Equal("over ipv6\n", await EchoAsync(new IPEndPoint(IPAddress.IPv6Loopback, port), "over ipv6\n"));

        // Dialled at IPv6 first: no connect failed on the way (without --prefer-ipv6 the IPv4 address is tried and refused first).
        var (_, after) = await ambassador.PollAsync($"api/names/{name}", (_, body) => body.Contains("\"connections.accepted\":1", StringComparison.Ordinal));
        using var counted = JsonDocument.Parse(after);
        var counters = counted.RootElement.GetProperty("fronting").GetProperty("listeners").EnumerateArray()
            .Single(listener => listener.GetProperty("port").GetString() == $"{port}/tcp").GetProperty("counters");
        Assert.False(counters.TryGetProperty("connect.failures", out var failures) && failures.GetInt64() > 0, "a connect failed before the IPv6 one");
    }

    private static async Task<string> EchoAsync(IPEndPoint endpoint, string text)
    {
        using var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(endpoint, guard.Token);
        await socket.SendAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None, guard.Token);
        socket.Shutdown(SocketShutdown.Send);
        return await Clients.ReadToEndAsync(socket, guard.Token);
    }
}
