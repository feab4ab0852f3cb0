using System.Text;
using System.Text.RegularExpressions;
using GrandAmbassador.MultiHost.Tests.Lab;
using Xunit.Abstractions;

namespace GrandAmbassador.MultiHost.Tests.Relay;

/// <summary>
/// Issue 17: the relay is not an open proxy. From the test (the root namespace reaches host a's relay at
/// 10.231.0.11) with the protocol as documented: a peer without a client certificate, and one with a certificate
/// from another CA, is refused (no reply; the TLS session ends), and each kind of refusal is logged once however
/// often it is tried. With a valid cluster certificate, the Redis's own port goes (PING answers through it: the
/// test's client speaks the protocol right), every address host a's agent does not report is refused with
/// verdict 2 and a reason, a malformed request with verdict 1, never dialled, each reason logged once per peer;
/// a peer that does not speak the protocol at all is closed without a reply, logged once.
/// </summary>
public sealed partial class RelayRefusalTests(ITestOutputHelper output) : LabTest(output)
{
    /// <summary>How often each refused request is sent: a refusal is logged once whatever the count.</summary>
    private const int Tries = 3;

    [Fact]
    public async Task RelayPort_RefusesPeersWithoutAClusterCertificate_AndEveryAddressItsAgentDoesNotReport_EachLoggedOnce()
    {
        using var stage = new RelayStage(Lab);
        await stage.UseTlsAsync();
        await stage.RunRedisAsync();
        // A container that exposes nothing at all, running beside the Redis on host a.
        var quiet = await MultiHostLab.DockerAsync("a", "run", "-d", "--name", $"{Lab.Prefix}-quiet", "ga-test/busybox:latest", "sleep", "3600");
        await stage.StartAsync();

        var relay = RelayStage.RelayOf("a");
        using var ca = stage.Certificates.ClusterCa;
        using var valid = stage.Certificates.Probe();
        using var foreign = stage.Certificates.Probe(fromOtherCa: true);

        // The positive control: the Redis's exposed port, asked for with a cluster certificate, goes; PING answers through it.
        await using (var go = await RelayProbe.AskAsync(relay, valid, ca, RelayProbe.Request(stage.Db, stage.DbId, RelayStage.RedisPort)))
        {
            Assert.True(go.Verdict == RelayProbe.Go, $"the Redis's own port was refused: verdict {go.Verdict}, {go.Reason}{go.Failure}");
            await using var redis = new RedisConnection(go.Stream);
            Assert.Equal("+PONG", await redis.CommandAsync("PING"));
        }

        // No client certificate, and one from another CA: no reply, whatever is asked (the Redis's own port here).
        var handshakeRefusals = new List<string>();
        foreach (var (what, certificate) in new[] { ("no client certificate", (System.Security.Cryptography.X509Certificates.X509Certificate2?)null), ("a certificate from another CA", foreign) })
        {
            for (var i = 0; i < Tries; i++)
            {
                await using var refused = await RelayProbe.AskAsync(relay, certificate, ca, RelayProbe.Request(stage.Db, stage.DbId, RelayStage.RedisPort));
                Assert.True(refused.Verdict is null, $"{what}: the relay answered verdict {refused.Verdict} ({refused.Reason})");
                handshakeRefusals.Add($"{what}: {refused.Failure}");
            }
        }

        Output.WriteLine("refused at the handshake: " + string.Join("; ", handshakeRefusals.Distinct()));

        // A cluster certificate, asking for what host a's agent does not report: verdict 2 (1 for what is not a request), each several times.
        var unknownId = new string('0', 64);
        (string What, byte[] Request, byte[] Verdicts)[] asks =
        [
            ("a container id that does not exist", RelayProbe.Request(stage.Db, unknownId, RelayStage.RedisPort), [RelayProbe.NotReported]),
            ("port 22 of the Redis's container", RelayProbe.Request(stage.Db, stage.DbId, 22), [RelayProbe.NotReported]),
            ("another container's unexposed port", RelayProbe.Request(stage.Db, quiet, 8080), [RelayProbe.NotReported]),
            ("an address in place of a container id", RelayProbe.Request(stage.Db, "127.0.0.1", RelayStage.RedisPort), [RelayProbe.NotReported]),
            // Not reported: it exposes 6379/tcp only.
            ("the Redis's port over UDP", RelayProbe.Request(stage.Db, stage.DbId, RelayStage.RedisPort, protocol: "udp"), [RelayProbe.NotReported]),
            ("a request that is not JSON", RelayProbe.Frame(Encoding.UTF8.GetBytes($"{{\"name\":\"{stage.Db}\",")), [RelayProbe.BadRequest]),
            ("a request without a container", RelayProbe.Frame(Encoding.UTF8.GetBytes($"{{\"name\":\"{stage.Db}\",\"port\":6379,\"protocol\":\"tcp\"}}")), [RelayProbe.BadRequest]),
        ];
        var reasons = new List<string>();
        foreach (var (what, request, verdicts) in asks)
        {
            for (var i = 0; i < Tries; i++)
            {
                await using var refused = await RelayProbe.AskAsync(relay, valid, ca, request);
                Assert.True(refused.Verdict is { } verdict && verdicts.Contains(verdict),
                    $"{what}: verdict {refused.Verdict?.ToString() ?? "none"} ({refused.Reason}{refused.Failure}), expected {string.Join(" or ", verdicts)}");
                Assert.False(string.IsNullOrWhiteSpace(refused.Reason), $"{what}: refused without a reason");
                if (i == 0)
                {
                    Output.WriteLine($"{what}: verdict {refused.Verdict}, \"{refused.Reason}\"");
                    reasons.Add(refused.Reason);
                }
                else
                {
                    Assert.Equal(reasons[^1], refused.Reason);
                }
            }
        }

        // What does not speak the relay protocol at all (no GAR1) gets no reply: the relay closes it.
        for (var i = 0; i < Tries; i++)
        {
            await using var refused = await RelayProbe.AskAsync(relay, valid, ca, Encoding.ASCII.GetBytes("GET / HTTP/1.0\r\n\r\n"));
            Assert.True(refused.Verdict is null, $"not the relay protocol: the relay answered verdict {refused.Verdict} ({refused.Reason})");
        }

        // A last refusal, after all the others: once its line is there, every earlier one was logged (one after the other).
        await using (var last = await RelayProbe.AskAsync(relay, valid, ca, RelayProbe.Request(stage.Db, new string('f', 64), RelayStage.RedisPort)))
        {
            Assert.True(last.Verdict == RelayProbe.NotReported, $"the last request: verdict {last.Verdict} ({last.Reason}{last.Failure})");
            reasons.Add(last.Reason);
        }

        await Lab.Ambassador("a").WaitForAsync(line => IsRefusalOfTheTest(line) && line.Contains(reasons[^1], StringComparison.Ordinal), guard: TimeSpan.FromSeconds(30));
        var lines = Lab.Ambassador("a").Lines.Select(l => l.Line).Where(IsRefusalOfTheTest).ToList();
        Output.WriteLine("host a logged:" + Environment.NewLine + string.Join(Environment.NewLine, lines));
        foreach (var reason in reasons.Distinct())
        {
            var logged = lines.Count(line => line.Contains(reason, StringComparison.Ordinal));
            Assert.True(logged == 1, $"the refusal \"{reason}\" ({Tries} times) was logged {logged} times, not once");
        }

        // What is left are the refusals without a reply: one line for each kind (no certificate, another CA's, not the
        // protocol), not one per try.
        var unanswered = lines.Where(line => !reasons.Any(reason => line.Contains(reason, StringComparison.Ordinal))).ToList();
        Assert.True(unanswered.Count == 3,
            $"{Tries} tries each without a certificate, with another CA's and not speaking the protocol were logged in {unanswered.Count} lines, not 3 (one per kind)");

        // The refused peers asked for the Redis's own port, and the relay never dialled it for them: the Redis has had
        // three connections in all, host c's PING at the start, the control's, and this redis-cli's.
        var stats = await MultiHostLab.DockerAsync("a", "exec", stage.Db, "/usr/bin/redis-cli", "INFO", "stats");
        var received = stats.Split('\n').Select(line => line.Trim()).Single(line => line.StartsWith("total_connections_received:", StringComparison.Ordinal));
        Assert.Equal("total_connections_received:3", received);
        Assert.False(Lab.Ambassador("a").HasExited, Lab.Logs());
    }

    /// <summary>A line of host a's log about the relay refusing the test (the root namespace, 10.231.0.1, not a lab host's 10.231.0.1x).</summary>
    private static bool IsRefusalOfTheTest(string line) =>
        line.Contains("relay", StringComparison.OrdinalIgnoreCase) && line.Contains("refused", StringComparison.OrdinalIgnoreCase) && TestPeer().IsMatch(line);

    [GeneratedRegex(@"(?<![\d.])10\.231\.0\.1(?!\d)")]
    private static partial Regex TestPeer();
}
