using System.Diagnostics;
using GrandAmbassador.Integration.Tests.Harness;
using GrandAmbassador.Testing;

namespace GrandAmbassador.Integration.Tests.Security;

/// <summary>
/// The gateway of a TLS host: a client with a certificate from the cluster CA reads; without one, or
/// from another CA, it is refused, and <c>status</c> says so within seconds, not at its 30 s guard.
/// </summary>
public sealed class TlsGatewayTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(240);

    // Generous: on a loaded machine a silo takes long to start; the guard only catches a hang.
    private static readonly TimeSpan StartGuard = TimeSpan.FromSeconds(240);

    // Generous for a loaded machine; status used to give up only at its 30 s guard.
    private static readonly TimeSpan RefusedWithin = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Status_WithClusterCertificate_Reads_WithoutOne_OrFromAnotherCa_IsRefusedInOneLine_WithinSeconds()
    {
        using var certificates = new TestCertificates();
        await certificates.OpensslCaAsync("cluster-ca");
        await certificates.OpensslHostAsync("cluster-ca", "host-a", ec: false);
        await certificates.OpensslHostAsync("cluster-ca", "status", ec: true);
        await certificates.OpensslCaAsync("other-ca");
        await certificates.OpensslHostAsync("other-ca", "intruder", ec: true);
        var gatewayPort = FreePort.Next();
        await using var host = RunningProcess.Start("dotnet", [
            // No HTTP server: not under test, and the default 127.0.0.1:8787 may be another test's at that moment (a
            // failed bind retries the silo's start, and the refusals counted below with it).
            Repository.AmbassadorDll, "--no-agent", "--http", "off", "--host-id", "host-a", "--gateway-port", $"{gatewayPort}", "--silo-port", $"{FreePort.Next()}",
            .. Tls(certificates, "host-a", "cluster-ca")]);
        await host.WaitForAsync(line => line.Contains("[7001]", StringComparison.Ordinal), guard: StartGuard);

        var (allowed, output, allowedError) = await AmbassadorProcess.RunAsync(Guard, ["status", "--gateway-port", $"{gatewayPort}", .. Tls(certificates, "status", "cluster-ca")]);
        var plainTime = Stopwatch.StartNew();
        var (plain, _, plainError) = await AmbassadorProcess.RunAsync(Guard, "status", "--gateway-port", $"{gatewayPort}");
        plainTime.Stop();
        var foreignTime = Stopwatch.StartNew();
        var (foreign, _, foreignError) = await AmbassadorProcess.RunAsync(Guard, ["status", "--gateway-port", $"{gatewayPort}", .. Tls(certificates, "intruder", "other-ca")]);
        foreignTime.Stop();

        Assert.True(allowed == 0, allowedError);
        Assert.Contains("hosts:", output);
        Assert.NotEqual(0, plain);
        Assert.True(plainTime.Elapsed < RefusedWithin, $"status without TLS gave up after {plainTime.Elapsed}");
        Assert.StartsWith("grand-ambassador: error: cannot reach the cluster", Assert.Single(Lines(plainError)));
        Assert.Contains("its gateways closed 2 connections in a row", plainError);
        Assert.Contains("give --tls-cert, --tls-key and --tls-ca", plainError);
        Assert.NotEqual(0, foreign);
        Assert.True(foreignTime.Elapsed < RefusedWithin, $"status with a foreign certificate gave up after {foreignTime.Elapsed}");
        Assert.StartsWith("grand-ambassador: error: cannot reach the cluster", Assert.Single(Lines(foreignError)));
        Assert.Contains("they refuse this certificate", foreignError);
        // Both refused clients came from 127.0.0.1 and retried: one line per reason says so, and
        // Orleans' own per-attempt warning (a stack trace without the address) is not shown.
        var refusals = host.Lines.Where(l => l.Line.Contains("Refused inbound client TLS connection with 127.0.0.1", StringComparison.Ordinal)).ToList();
        Assert.True(refusals.Count == 2, host.Dump());
        Assert.Single(refusals, l => l.Line.Contains("no certificate from the cluster CA", StringComparison.Ordinal));
        Assert.Single(refusals, l => l.Line.Contains("CN=intruder is issued by CN=other-ca", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Lines, l => l.Line.Contains("Orleans.Connections.Security", StringComparison.Ordinal));
    }

    internal static string[] Tls(TestCertificates certificates, string host, string ca) =>
        ["--tls-cert", certificates.PathOf(host + ".pem"), "--tls-key", certificates.PathOf(host + ".key"), "--tls-ca", certificates.PathOf(ca + ".pem")];

    internal static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
