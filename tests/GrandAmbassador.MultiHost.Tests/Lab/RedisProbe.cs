using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GrandAmbassador.MultiHost.Tests.Lab;

/// <summary>One short Redis conversation: which host's Redis (see <see cref="LabScenario.RunRedisAsync"/>) a new connection reaches.</summary>
internal static class RedisProbe
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    /// <summary>The host id of the Redis that answers a new connection to <paramref name="target"/>.</summary>
    public static async Task<string> ServedByAsync(IPEndPoint target)
    {
        using var guard = new CancellationTokenSource(Guard);
        using var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(target, guard.Token);
        await socket.SendAsync(Encoding.ASCII.GetBytes("CONFIG GET dbfilename\r\n"), SocketFlags.None, guard.Token);
        // *2 $10 dbfilename $N HOSTID.rdb: read until the value's line is complete.
        var answer = new StringBuilder();
        var buffer = new byte[256];
        while (!answer.ToString().Contains(".rdb\r\n", StringComparison.Ordinal))
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, guard.Token);
            if (read == 0)
            {
                throw new IOException($"closed after {answer.Length} bytes: {answer}");
            }

            answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        var value = answer.ToString().Split("\r\n").Single(line => line.EndsWith(".rdb", StringComparison.Ordinal));
        return value[..^".rdb".Length];
    }

    /// <summary>Opens new connections until one is served by <paramref name="hostId"/>: round robin reaches it within a few.</summary>
    public static Task ReachesAsync(IPEndPoint target, string hostId) =>
        Testing.Eventually.GetAsync(
            async () => await ServedByAsync(target) == hostId ? true : throw new InvalidOperationException($"served by another host than {hostId}"),
            what: $"a new connection served by {hostId}");
}
