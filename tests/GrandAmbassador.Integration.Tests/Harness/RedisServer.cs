using GrandAmbassador.Testing;

namespace GrandAmbassador.Integration.Tests.Harness;

/// <summary>A real redis-server on a free loopback port, for a cluster of real processes; no persistence.</summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private readonly RunningProcess _process;

    private RedisServer(RunningProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string ClusterUri => $"redis://127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var port = FreePort.Next();
        var process = RunningProcess.Start("redis-server", ["--port", $"{port}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
        await process.WaitForAsync(line => line.Contains("Ready to accept connections", StringComparison.Ordinal), guard: TimeSpan.FromSeconds(30));
        return new RedisServer(process, port);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
