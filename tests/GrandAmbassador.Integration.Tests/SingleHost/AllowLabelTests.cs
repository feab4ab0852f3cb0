using System.Net;
using System.Net.Sockets;
using GrandAmbassador.Integration.Tests.Harness;
using GrandAmbassador.Testing;
using static GrandAmbassador.Integration.Tests.Harness.RunningAmbassador;

namespace GrandAmbassador.Integration.Tests.SingleHost;

/// <summary>A container's <c>grand-ambassador.allow</c> label restricts who the ambassador lets through to it.</summary>
[Collection(DockerCollection.Name)]
public sealed class AllowLabelTests : IAsyncLifetime
{
    private readonly DockerScope _docker = new("ga-it");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _docker.DisposeAsync();

    [Fact]
    public async Task TheLabelsNetworks_AreServed_OthersAreResetAtOnce_AndLoggedOncePerMinute()
    {
        var port = FreePort.Next();
        await _docker.RunHttpdAsync("labelled", port, "--label", "grand-ambassador.allow=127.0.0.2/32, fd00:6a::/48");
        var name = _docker.Name("labelled");

        await using var ambassador = await StartAsync("--name", name);
        await ambassador.RoutedAsync(name, port);
        await ambassador.Logs.WaitForAsync(line => line.EventId == 602 && line.Message.Contains("allow 127.0.0.2/32, fd00:6a::/48", StringComparison.Ordinal));

        Assert.Equal(Clients.HttpOk, await HttpGetStatusFromAsync(IPAddress.Parse("127.0.0.2"), Local(port)));
        for (var i = 0; i < 2; i++)
        {
            Assert.Null(await HttpGetStatusFromAsync(IPAddress.Parse("127.0.0.3"), Local(port)));
        }

        var refused = await ambassador.Logs.WaitForAsync(line => line.EventId == 601);
        Assert.Contains("127.0.0.3", refused.Message, StringComparison.Ordinal);
        Assert.Single(ambassador.Logs.Lines, line => line.EventId == 601);
    }

    /// <returns>The status line, or null when the ambassador closed the connection without a byte.</returns>
    private static async Task<string?> HttpGetStatusFromAsync(IPAddress source, IPEndPoint target)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(source, 0));
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await socket.ConnectAsync(target, guard.Token);
            await socket.SendAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray(), SocketFlags.None, guard.Token);
            var response = await Clients.ReadToEndAsync(socket, guard.Token);
            return response.Length == 0 ? null : response.Split("\r\n")[0];
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.NotConnected or SocketError.Shutdown)
        {
            return null;
        }
    }
}
