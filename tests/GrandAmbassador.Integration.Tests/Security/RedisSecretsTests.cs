using GrandAmbassador.Integration.Tests.Harness;
using GrandAmbassador.Testing;

namespace GrandAmbassador.Integration.Tests.Security;

/// <summary>The cluster's Redis password appears in no output of the real process: bad URL, unreachable Redis, wrong password.</summary>
public sealed class RedisSecretsTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData("wrong password", "refused the user or password")]
    [InlineData("unreachable", "cannot connect")]
    [InlineData("bad url", "expected redis[s]://")]
    public async Task RedisProblem_IsOneLineNamingIt_WithoutThePassword(string what, string expected)
    {
        await using var redis = await TestRedis.StartAsync();
        var secret = "pw-" + Guid.NewGuid().ToString("N")[..16];
        var url = what switch
        {
            "wrong password" => redis.Url(tls: false, password: secret),
            "unreachable" => $"redis://{TestRedis.User}:{secret}@127.0.0.1:{FreePort.Next()}",
            _ => $"redis://{TestRedis.User}:{secret}@127.0.0.1/no-port",
        };

        // An unreachable Redis stops `status` at once; the ambassador waits for it instead, one line per
        // retry (Reliability/RedisStartupTests), so only `status` is asked here.
        string[][] commands = what == "unreachable" ? [["status"]] : [["--no-agent"], ["status"]];
        foreach (var command in commands)
        {
            var (exitCode, output, error) = await AmbassadorProcess.RunAsync(Guard, [.. command, "--cluster", url]);

            Assert.NotEqual(0, exitCode);
            Assert.DoesNotContain(secret, output + error);
            var line = Assert.Single(TlsGatewayTests.Lines(output + error));
            Assert.StartsWith("grand-ambassador: error: ", line);
            Assert.Contains(expected, line);
        }
    }

    [Fact]
    public async Task LoopbackAdvertise_WithCluster_IsOneLine_AtStartUp()
    {
        await using var redis = await TestRedis.StartAsync();
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, redis.Url(tls: false) + "\n");

            var (exitCode, output, error) = await AmbassadorProcess.RunAsync(Guard, "--no-agent", "--cluster-file", file, "--advertise", "127.0.0.1");

            Assert.Equal(2, exitCode);
            var line = Assert.Single(TlsGatewayTests.Lines(output + error));
            Assert.Contains("--advertise 127.0.0.1: a loopback address", line);
            Assert.DoesNotContain(redis.Password, output + error);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
