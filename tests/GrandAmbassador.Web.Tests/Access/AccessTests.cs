using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using GrandAmbassador.Testing;
using GrandAmbassador.Web.Tests.Harness;
using GrandAmbassador.Web.Tests.Metrics;

namespace GrandAmbassador.Web.Tests.Access;

/// <summary>The allow-list of a whole ambassador in front of a real container: who is served, who is reset, and what /metrics and /api/names say.</summary>
[Collection(WebCollection.Name)]
public sealed class AccessTests
{
    [Fact]
    public async Task ARefusedClient_IsClosedAtOnce_CountedInMetrics_AndThePolicyIsInTheApi()
    {
        await using var docker = new DockerScope("http-access");
        await docker.RunHttpdAsync("web", 8080);
        var name = docker.Name("web");
        var port = FreePort.Next();
        await using var ambassador = await WebAmbassador.StartAsync("--name", name, "--port", $"{port}:8080", "--allow", $"{name}=127.0.0.2/32");
        await ambassador.PollAsync("readyz", (status, _) => status == HttpStatusCode.OK);
        var target = new IPEndPoint(IPAddress.Loopback, port);

        Assert.Equal(Clients.HttpOk, await Eventually.GetAsync(() => HttpGetStatusFromAsync(IPAddress.Parse("127.0.0.2"), target)));
        using (var refused = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            refused.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.3"), 0));
            await ConnectOrResetAsync(refused, target);
            var read = await ReceiveOrResetAsync(refused);
            Assert.True(read <= 0, "the refused client read data");
        }

        string[] label = [$"name=\"{name}\"", $"port=\"{port}/tcp\"", "reason=\"not_allowed\""];
        await ambassador.PollAsync("metrics", (_, text) => MetricsTests.Value(text, "grand_ambassador_connections_refused_total", label) == 1);
        var (_, json) = await ambassador.PollAsync($"api/names/{name}", (_, body) => body.Contains("\"access\"", StringComparison.Ordinal));
        using var view = JsonDocument.Parse(json);
        var fronting = view.RootElement.GetProperty("fronting");
        Assert.Equal("allow 127.0.0.2/32", fronting.GetProperty("access").GetString());
        var counters = fronting.GetProperty("listeners")[0].GetProperty("counters");
        Assert.Equal(1, counters.GetProperty("connections.refused").GetInt64());
    }

    private static async Task<string> HttpGetStatusFromAsync(IPAddress source, IPEndPoint target)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(source, 0));
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(target, guard.Token);
        await socket.SendAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray(), SocketFlags.None, guard.Token);
        return (await Clients.ReadToEndAsync(socket, guard.Token)).Split("\r\n")[0];
    }

    private static async Task ConnectOrResetAsync(Socket socket, IPEndPoint target)
    {
        try
        {
            await socket.ConnectAsync(target).WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            // Reset before the connect's completion was seen: refused at once.
        }
    }

    /// <returns>The bytes read (0: end of stream), or -1 for a reset or a socket the reset left unconnected.</returns>
    private static async Task<int> ReceiveOrResetAsync(Socket socket)
    {
        try
        {
            return await socket.ReceiveAsync(new byte[1]).WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.NotConnected)
        {
            return -1;
        }
    }
}
