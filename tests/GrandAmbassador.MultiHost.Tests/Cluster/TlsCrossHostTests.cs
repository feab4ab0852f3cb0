using GrandAmbassador.MultiHost.Tests.Lab;
using GrandAmbassador.Testing;
using Xunit.Abstractions;

namespace GrandAmbassador.MultiHost.Tests.Cluster;

/// <summary>
/// The three lab hosts as one cluster with mutual TLS, from certificates made the two ways a user
/// makes them: openssl (RSA and EC keys, each host's lab address in its SAN, its host id as CN) and
/// grand-ambassador's own <c>tls ca</c> / <c>tls cert</c>. A container on host a is served through
/// host c; <c>status</c> with a certificate from the CA reads the cluster, without one it is refused.
/// </summary>
public sealed class TlsCrossHostTests(ITestOutputHelper output) : LabTest(output)
{
    public const string Openssl = "openssl";
    public const string OwnCommands = "tls commands";

    private const string StatusIdentity = "ga-status";

    private static readonly TimeSpan StatusGuard = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(Openssl)]
    [InlineData(OwnCommands)]
    public async Task ThreeHostTlsCluster_ServesAContainerOnHostAThroughHostC_AndStatusWithoutACertificateIsRefused(string madeBy)
    {
        using var certificates = new TestCertificates();
        var tls = madeBy == Openssl ? await FromOpensslAsync(certificates) : await FromOwnCommandsAsync(certificates);
        Lab.Tls = host => tls(MultiHostLab.HostId(host));

        await Lab.FrontWebFromHostCAsync("a");
        var servedBy = await Eventually.GetAsync(() => Clients.ExchangeAsync(LabScenario.Through("c"), "GET / HTTP/1.0\r\n\r\n", halfClose: false));
        Assert.EndsWith(MultiHostLab.HostId("a"), servedBy.Trim());

        string[] cluster = ["status", "--cluster", MultiHostLab.Redis, "--cluster-id", Lab.ClusterId];
        var without = ProcessRunner.RunAsync("dotnet", [Repository.AmbassadorDll, .. cluster], StatusGuard);
        // As a user would: run status again until every host's agent has registered (host b, started last, may not
        // have listed its engine yet); each run must succeed, over TLS.
        var (exitCode, status, _) = await Eventually.GetAsync(
            async () =>
            {
                var run = await ProcessRunner.RunAsync("dotnet", [Repository.AmbassadorDll, .. cluster, .. tls(StatusIdentity)], StatusGuard);
                Assert.True(run.ExitCode == 0, run.Error);
                foreach (var host in new[] { "a", "b", "c" })
                {
                    Assert.Contains($"{MultiHostLab.HostId(host)} ({MultiHostLab.Address(host)})", run.Output);
                }

                return run;
            },
            what: "status over TLS listing hosts a, b and c");
        Output.WriteLine(status);
        Assert.Equal(0, exitCode);

        Assert.Contains($"{Lab.Web}{Environment.NewLine}  fronted by: ga-host-c (8080/tcp){Environment.NewLine}", status);

        var (plainExitCode, _, plainError) = await without;
        Assert.NotEqual(0, plainExitCode);
        var line = Assert.Single(plainError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("grand-ambassador: error: cannot reach the cluster", line);
        Assert.Contains("give --tls-cert, --tls-key and --tls-ca", line);
        foreach (var host in new[] { "a", "b", "c" })
        {
            Assert.False(Lab.Ambassador(host).HasExited, Lab.Logs());
        }
    }

    /// <summary>An openssl CA and a certificate for each host (host b's key EC, the others RSA) and for status.</summary>
    private static async Task<Func<string, string[]>> FromOpensslAsync(TestCertificates certificates)
    {
        await certificates.OpensslCaAsync("cluster-ca");
        foreach (var host in new[] { "a", "b", "c" })
        {
            await certificates.OpensslHostAsync("cluster-ca", MultiHostLab.HostId(host), ec: host == "b", ip: MultiHostLab.Address(host));
        }

        await certificates.OpensslHostAsync("cluster-ca", StatusIdentity, ec: true);
        return identity => ["--tls-cert", certificates.PathOf(identity + ".pem"), "--tls-key", certificates.PathOf(identity + ".key"), "--tls-ca", certificates.PathOf("cluster-ca.pem")];
    }

    /// <summary><c>tls ca</c>, then <c>tls cert</c> for each host (its lab address as <c>--ip</c>) and for status.</summary>
    private static async Task<Func<string, string[]>> FromOwnCommandsAsync(TestCertificates certificates)
    {
        var ca = await certificates.OwnCaAsync("cluster");
        foreach (var host in new[] { "a", "b", "c" })
        {
            await certificates.OwnHostAsync(ca, MultiHostLab.HostId(host), MultiHostLab.Address(host));
        }

        await certificates.OwnHostAsync(ca, StatusIdentity, "127.0.0.1");
        return identity =>
        [
            "--tls-cert", Path.Combine(ca, identity, identity + ".pem"), "--tls-key", Path.Combine(ca, identity, identity + "-key.pem"),
            "--tls-ca", Path.Combine(ca, identity, "ca.pem"),
        ];
    }
}
