using GrandAmbassador.Testing;

namespace GrandAmbassador.Integration.Tests.Harness;

/// <summary>A real redis-server on a free loopback port, for a cluster of real processes; no persistence.</summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private readonly RunningProcess _process;

    private RedisServer(RunningProcess process, string bind, int port)
    {
        _process = process;
        Port = port;
        ClusterUri = bind.Contains(':', StringComparison.Ordinal) ? $"redis://[{bind}]:{port}" : $"redis://{bind}:{port}";
    }

    public int Port { get; }

    /// <summary>redis://127.0.0.1:PORT, or redis://[::1]:PORT for one bound to IPv6 loopback.</summary>
    public string ClusterUri { get; }

    /// <param name="bind">127.0.0.1, or ::1 to reach it over IPv6 only.</param>
    public static async Task<RedisServer> StartAsync(string bind = "127.0.0.1")
    {
        var port = FreePort.Next();
        var process = RunningProcess.Start("redis-server", ["--port", $"{port}", "--bind", bind, "--save", "", "--appendonly", "no"]);
        await process.WaitForAsync(line => line.Contains("Ready to accept connections", StringComparison.Ordinal), guard: TimeSpan.FromSeconds(30));
        return new RedisServer(process, bind, port);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
