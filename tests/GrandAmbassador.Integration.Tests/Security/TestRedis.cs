using GrandAmbassador.Testing;

namespace GrandAmbassador.Integration.Tests.Security;

/// <summary>A redis-server of the test's own, on a free port: with an ACL user, and with TLS when given certificates.</summary>
internal sealed class TestRedis : IAsyncDisposable
{
    public const string User = "ambassador";

    private readonly RunningProcess _process;

    private TestRedis(RunningProcess process, int port, string password)
    {
        _process = process;
        Port = port;
        Password = password;
    }

    public int Port { get; }

    /// <summary>Unique per test, so that finding it anywhere in output is a leak, not a coincidence.</summary>
    public string Password { get; }

    public static async Task<TestRedis> StartAsync(string? certificate = null, string? key = null, string? ca = null)
    {
        var port = FreePort.Next();
        var password = "pw-" + Guid.NewGuid().ToString("N")[..16];
        List<string> args = ["--save", "", "--appendonly", "no", "--bind", "127.0.0.1",
            "--user", "default", "off", "--user", User, "on", $">{password}", "~*", "&*", "+@all"];
        if (certificate is null)
        {
            args.AddRange(["--port", $"{port}"]);
        }
        else
        {
            args.AddRange(["--port", "0", "--tls-port", $"{port}", "--tls-cert-file", certificate, "--tls-key-file", key!,
                "--tls-ca-cert-file", ca!, "--tls-auth-clients", "no"]);
        }

        var process = RunningProcess.Start("redis-server", args);
        await process.WaitForAsync(line => line.Contains("Ready to accept connections", StringComparison.Ordinal), guard: TimeSpan.FromSeconds(30));
        return new TestRedis(process, port, password);
    }

    public string Url(bool tls, string? password = null) =>
        $"{(tls ? "rediss" : "redis")}://{User}:{password ?? Password}@127.0.0.1:{Port}";

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
