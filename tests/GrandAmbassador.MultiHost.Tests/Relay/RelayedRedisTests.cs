using System.Net;
using System.Net.Sockets;
using GrandAmbassador.MultiHost.Tests.Lab;
using Xunit.Abstractions;

namespace GrandAmbassador.MultiHost.Tests.Relay;

/// <summary>
/// Issue 17's first test, as a new user tries it: <c>docker run -d --expose 6379 redis</c> on host a, publishing
/// nothing, and host c's grand-ambassador fronting it, the cluster on mutual TLS. PING through c answers; a
/// <c>docker restart</c> on a is followed; a PING sent while the container is gone (<c>docker rm -f</c>) is held
/// and answered by the re-created one.
/// </summary>
public sealed class RelayedRedisTests(ITestOutputHelper output) : LabTest(output)
{
    [Fact]
    public async Task RedisOnHostAPublishingNothing_IsServedThroughHostC_FollowedAcrossARestart_AndAPingHeldWhileItIsGoneGoesThroughAfterReCreation()
    {
        using var stage = new RelayStage(Lab);
        await stage.UseTlsAsync();
        await stage.RunRedisAsync();
        // Nothing of the Redis's is reachable from outside host a: no published port, and its own address is host a's alone.
        await AssertNotListeningAsync(new IPEndPoint(IPAddress.Parse(MultiHostLab.Address("a")), RelayStage.RedisPort));

        await stage.StartAsync(cOptions: ["--wait", "120"]);
        // How c reaches it, as status and c's /api/names say it.
        var through = RelayStage.ReachedThroughRelay("c", "a");
        Output.WriteLine(await stage.StatusSaysAsync(through));
        var names = await MultiHostLab.RunAsync("exec", "c", "curl", "-sS", "-m", "10", "http://127.0.0.1:8787/api/names");
        Assert.Contains(through[(through.IndexOf(':') + 2)..], names, StringComparison.Ordinal);
        var first = await RelayStage.RunIdAsync(RelayStage.ThroughC);

        // docker restart on a: a new connection through c reaches the restarted Redis (a new process, a new run id).
        var restarting = DateTime.UtcNow;
        await MultiHostLab.DockerAsync("a", "restart", "-t", "1", stage.Db);
        var restarted = DateTime.UtcNow;
        var second = await RelayStage.RunIdAsync(RelayStage.ThroughC);
        Output.WriteLine($"figures: docker restart took {(restarted - restarting).TotalMilliseconds:F0} ms; the first new connection after it answered {(DateTime.UtcNow - restarted).TotalMilliseconds:F0} ms after it returned");
        Assert.NotEqual(first, second);

        // docker rm -f: once c knows nothing runs, a PING on a new connection is held until the container is re-created.
        var removed = DateTime.UtcNow;
        await MultiHostLab.DockerAsync("a", "rm", "-f", stage.Db);
        await Lab.Ambassador("c").WaitForAsync(
            line => line.Contains($"{stage.Db}: {RelayStage.RedisPort}/tcp has no container ready", StringComparison.Ordinal), removed, TimeSpan.FromSeconds(60));
        await using var held = await RedisConnection.OpenAsync(RelayStage.ThroughC);
        var ping = held.CommandAsync("PING");
        var reCreating = DateTime.UtcNow;
        await stage.RunRedisAsync();
        Assert.Equal("+PONG", await ping);
        var answered = DateTime.UtcNow;
        Output.WriteLine($"figures: the held PING answered {(answered - reCreating).TotalMilliseconds:F0} ms after `docker run` of the new container began");
        var third = await RelayStage.RunIdAsync(RelayStage.ThroughC);
        Assert.NotEqual(second, third);
    }

    /// <summary>A connect to <paramref name="target"/> is refused: nothing listens there.</summary>
    private static async Task AssertNotListeningAsync(IPEndPoint target)
    {
        using var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var refused = await Assert.ThrowsAsync<SocketException>(async () => await socket.ConnectAsync(target, guard.Token));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }
}
