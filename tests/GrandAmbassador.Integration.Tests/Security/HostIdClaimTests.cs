using GrandAmbassador.Integration.Tests.Harness;
using GrandAmbassador.Testing;
using Xunit.Abstractions;

namespace GrandAmbassador.Integration.Tests.Security;

/// <summary>
/// A second process started with the host id of a live one (same Redis, same cluster id): refused
/// before it joins, in one line with exit 2, and the first one never hears of it. A predecessor that
/// crashed (its row still says Active) does not lock its host id out.
/// </summary>
public sealed class HostIdClaimTests(ITestOutputHelper output)
{
    // Generous: on a loaded machine a silo takes long to start; the guard only catches a hang.
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(120);

    // The refusal comes before the silo starts; a second silo that got in would run until this ends.
    private static readonly TimeSpan RefusalGuard = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task SecondSilo_WithALiveHostId_IsRefusedInOneLine_AndTheFirstKeepsServing_ButACrashedOneIsReplaced()
    {
        await using var redis = await RedisServer.StartAsync();
        string[] cluster = ["--no-agent", "--cluster", redis.ClusterUri, "--cluster-id", $"trust-hostid-{redis.Port}", "--host-id", "trust-dup", "--http", "off"];
        int firstSilo = FreePort.Next(), firstGateway = FreePort.Next();
        await using var first = RunningProcess.Start("dotnet", [
            Repository.AmbassadorDll, .. cluster, "--silo-port", $"{firstSilo}", "--gateway-port", $"{firstGateway}"]);
        await first.WaitForAsync(line => line.Contains("[7001]", StringComparison.Ordinal), guard: Guard);

        var (exitCode, _, error) = await AmbassadorProcess.RunAsync(RefusalGuard, [
            .. cluster, "--silo-port", $"{FreePort.Next()}", "--gateway-port", $"{FreePort.Next()}"]);

        Assert.Equal(2, exitCode);
        var line = Assert.Single(TlsGatewayTests.Lines(error));
        Assert.StartsWith("grand-ambassador: error: host id trust-dup is already held by live silo ", line);
        Assert.Contains($":{firstSilo} (cluster trust-hostid-{redis.Port})", line);
        var (status, _, statusError) = await AmbassadorProcess.RunAsync(Guard, [
            "status", "--cluster", redis.ClusterUri, "--cluster-id", $"trust-hostid-{redis.Port}"]);
        Assert.True(status == 0, statusError);
        Assert.False(first.HasExited, first.Dump());
        // Never declared dead, never restarted its silo, never saw another member.
        Assert.DoesNotContain(first.Lines, l => l.Line.Contains("[7002]", StringComparison.Ordinal) || l.Line.Contains("[7003]", StringComparison.Ordinal)
            || (l.Line.Contains("is now", StringComparison.Ordinal) && !l.Line.Contains($":{firstSilo}:", StringComparison.Ordinal)));

        // A crash leaves the first one's row Active in Redis; restarted as a supervisor would (same ports), the host id is free again.
        await first.KillAsync();
        await using var replacement = RunningProcess.Start("dotnet", [
            Repository.AmbassadorDll, .. cluster, "--silo-port", $"{firstSilo}", "--gateway-port", $"{firstGateway}"]);
        await replacement.WaitForAsync(line => line.Contains("[7001]", StringComparison.Ordinal), guard: Guard);
        output.WriteLine(first.Dump());
        output.WriteLine(replacement.Dump());
        Assert.False(replacement.HasExited, replacement.Dump());
    }
}
