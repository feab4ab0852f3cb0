using GrandAmbassador.Integration.Tests.Harness;
using GrandAmbassador.Testing;

namespace GrandAmbassador.Integration.Tests.Security;

/// <summary>
/// Two TLS silos with certificates from <c>tls ca</c>/<c>tls cert</c>, over a TLS Redis with an ACL
/// user whose URL is in a file: the cluster forms. Silos without TLS, or from another CA, pointed
/// at the same Redis and cluster id, never become members, and the cluster keeps serving.
/// </summary>
public sealed class TlsClusterTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(240);

    // Generous: on a loaded machine a silo takes long to start; the guard only catches a hang.
    private static readonly TimeSpan StartGuard = TimeSpan.FromSeconds(240);

    [Fact]
    public async Task TlsCluster_OverTlsRedisWithAclUser_Forms_AndIntrudersNeverJoin()
    {
        using var certificates = new TestCertificates();
        var ca = await certificates.OwnCommandsAsync("cluster", "host-a", "host-b", "status", "redis");
        await certificates.OpensslCaAsync("other-ca");
        await certificates.OpensslHostAsync("other-ca", "intruder", ec: false);
        await using var redis = await TestRedis.StartAsync(
            Path.Combine(ca, "redis", "redis.pem"), Path.Combine(ca, "redis", "redis-key.pem"), Path.Combine(ca, "ca.pem"));
        var clusterFile = certificates.PathOf("cluster-url");
        await File.WriteAllTextAsync(clusterFile, redis.Url(tls: true) + "\n");
        string[] cluster = ["--no-agent", "--cluster-file", clusterFile, "--redis-ca", Path.Combine(ca, "ca.pem"), "--cluster-id", "security-it"];

        await using var hostA = Start("host-a", out var gatewayA, [.. cluster, .. Own(ca, "host-a")]);
        await hostA.WaitForAsync(line => line.Contains("[7001]", StringComparison.Ordinal), guard: StartGuard);
        await using var hostB = Start("host-b", out _, [.. cluster, .. Own(ca, "host-b")]);
        await hostB.WaitForAsync(line => line.Contains("[7001]", StringComparison.Ordinal), guard: StartGuard);
        await hostA.WaitForAsync(line => line.Contains("is now Active", StringComparison.Ordinal), guard: StartGuard);

        // An intruder is refused at the handshake, both ways; the members vote it dead and it stops.
        await using var foreign = Start("intruder", out var foreignSilo, [.. cluster, .. TlsGatewayTests.Tls(certificates, "intruder", "other-ca")]);
        await hostA.WaitForAsync(line => line.Contains("Refused", StringComparison.Ordinal) && line.Contains("CN=intruder is issued by CN=other-ca", StringComparison.Ordinal), guard: StartGuard);
        await using var plain = Start("plain", out var plainSilo, cluster);
        // Refused too: its own log says it never got in.
        await plain.WaitForAsync(line => line.Contains("Failed to get ping responses", StringComparison.Ordinal) || line.Contains("I have been told I am dead", StringComparison.Ordinal), guard: StartGuard);

        var (exitCode, output, error) = await AmbassadorProcess.RunAsync(Guard, [
            "status", "--cluster-file", clusterFile, "--redis-ca", Path.Combine(ca, "ca.pem"), "--cluster-id", "security-it", .. Own(ca, "status")]);
        Assert.True(exitCode == 0, error);
        Assert.Contains("hosts:", output);
        Assert.False(hostA.HasExited || hostB.HasExited, hostA.Dump());
        var aSawActive = hostA.Lines.Where(l => l.Line.Contains("is now Active", StringComparison.Ordinal)).Select(l => l.Line).ToList();
        Assert.DoesNotContain(aSawActive, line => line.Contains($":{foreignSilo}:", StringComparison.Ordinal) || line.Contains($":{plainSilo}:", StringComparison.Ordinal));
        foreach (var process in new[] { hostA, hostB, foreign, plain })
        {
            Assert.DoesNotContain(redis.Password, process.Dump());
        }
    }

    private static string[] Own(string ca, string host) =>
        ["--tls-cert", Path.Combine(ca, host, host + ".pem"), "--tls-key", Path.Combine(ca, host, host + "-key.pem"), "--tls-ca", Path.Combine(ca, host, "ca.pem")];

    private static RunningProcess Start(string hostId, out int siloPort, string[] args)
    {
        var gatewayPort = FreePort.Next();
        siloPort = FreePort.Next();
        return RunningProcess.Start("dotnet", [Repository.AmbassadorDll, "--host-id", hostId, "--gateway-port", $"{gatewayPort}", "--silo-port", $"{siloPort}", .. args]);
    }
}
