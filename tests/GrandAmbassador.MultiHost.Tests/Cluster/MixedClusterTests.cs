using System.Diagnostics;
using GrandAmbassador.Engines.Tests.Lab;
using GrandAmbassador.MultiHost.Tests.Lab;
using GrandAmbassador.Testing;
using Xunit.Abstractions;

namespace GrandAmbassador.MultiHost.Tests.Cluster;

/// <summary>
/// A mixed cluster: one host on Docker 28.5, one on Podman 5.8 (the engines lab's docker28 and
/// podman58, each in a network namespace of its own, the ambassador there on that engine's socket),
/// and host c of the multi-host lab (Docker 20.10) fronting the name; all three in one cluster
/// through the lab's Redis. Host c reaches each replica at its host's advertised address and
/// published port, across the root namespace's routing between the lab's bridge and the engines
/// (tests/lab/multihost/lab.sh). Rolling redeploys go from one engine to the other and back, with
/// 4 clients on a new connection per request through c.
/// </summary>
public sealed class MixedClusterTests(ITestOutputHelper output) : LabTest(output)
{
    private const string Docker = "docker28";
    private const string Podman = "podman58";

    // Docker → Podman, Podman → Docker, and again: each engine is the old and the new side twice.
    private const int Redeploys = 4;

    [Fact]
    public async Task ReplicasOnDocker28AndPodman58_AreServedThroughHostC_AndRollingRedeploysBetweenThem_WithDrain_FailNoRequest()
    {
        var (load, last, final) = await RedeployAsync(drain: true);
        await using var stopped = load;

        Assert.Empty(load.Failures);
        Assert.True(load.Answers.Count > 100, $"only {load.Answers.Count} requests answered");
        Assert.All(load.Answers, a => Assert.Contains(a.ServedBy, new[] { MultiHostLab.HostId(Docker), MultiHostLab.HostId(Podman) }));
        Assert.All(load.Answers.Where(a => a.At > last), a => Assert.Equal(MultiHostLab.HostId(final), a.ServedBy));
    }

    [Fact]
    public async Task RollingRedeploysBetweenDocker28AndPodman58_WithoutDrain_ReportWhatFailed()
    {
        var (load, _, _) = await RedeployAsync(drain: false);
        await using var stopped = load;

        // Reported, not asserted: without drain, the stop itself races host c (and Podman sends no
        // event when a stop begins).
        Assert.True(load.Answers.Count > 100, $"only {load.Answers.Count} requests answered");
    }

    /// <summary>
    /// Replicas on both engines, both served through c; then <see cref="Redeploys"/> rolling
    /// redeploys between them under load. Returns the load (stopped), when the last one ended and
    /// the engine that serves after it.
    /// </summary>
    private async Task<(HttpLoad Load, DateTime Last, string Final)> RedeployAsync(bool drain)
    {
        var clock = Stopwatch.StartNew();
        Output.WriteLine($"{Docker}: {LabEngine.Get(Docker).Product} at {MultiHostLab.Address(Docker)}; {Podman}: {LabEngine.Get(Podman).Product} at {MultiHostLab.Address(Podman)}");
        await Lab.RunWebAsync(Docker);
        await Lab.RunWebAsync(Podman);
        foreach (var host in new[] { Docker, Podman })
        {
            // The lab's routing between its bridge and the engines' namespaces (lab.sh up, or link-engines).
            var page = await Eventually.GetAsync(
                () => MultiHostLab.GetFromAsync("c", host, LabScenario.PublishedPort),
                TimeSpan.FromSeconds(30),
                $"host c reaching {host}'s published port {MultiHostLab.Address(host)}:{LabScenario.PublishedPort} (lab.sh link-engines)");
            Assert.Equal(MultiHostLab.HostId(host), page);
        }

        Lab.StartAmbassador(Docker);
        Lab.StartAmbassador(Podman);
        Lab.StartAmbassador("c", Lab.Web);
        var (_, route) = await Lab.RoutedToAsync("c", [Docker, Podman]);
        Output.WriteLine($"c: {route}");

        // Several clients, a new connection per request: both replicas answer, each with its host's name.
        var load = HttpLoad.Start(LabScenario.Through("c"));
        try
        {
            await load.FirstAnswerFromAsync(MultiHostLab.HostId(Docker), DateTime.MinValue);
            await load.FirstAnswerFromAsync(MultiHostLab.HostId(Podman), DateTime.MinValue);
            var bothServed = load.Answers.Count;

            var (from, to) = (Docker, Podman);
            var steps = new List<(string From, string To, DateTime Start, DateTime End)>();
            for (var i = 0; i < Redeploys; i++)
            {
                // The first time, the new side is the replica that runs already on Podman.
                var start = DateTime.UtcNow;
                var drained = await Lab.RedeployAsync(from, to, drain, startNew: i > 0);
                var removed = DateTime.UtcNow;
                steps.Add((from, to, start, removed));
                Output.WriteLine(drained is { } d
                    ? $"{from} → {to}: drain returned after {d.Took.TotalMilliseconds:F0} ms: {d.Said}"
                    : $"{from} → {to}: stopped without drain");
                await load.FirstAnswerFromAsync(MultiHostLab.HostId(to), removed);
                (from, to) = (to, from);
            }

            var last = DateTime.UtcNow;
            await load.FirstAnswerFromAsync(MultiHostLab.HostId(from), last);
            await load.StopAsync();

            var served = load.Answers.GroupBy(a => a.ServedBy).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}");
            Output.WriteLine($"mixed cluster, {(drain ? "with" : "without")} drain: {Redeploys} redeploys between {Docker} and {Podman} through c, requests sent {load.Sent}, answered {load.Answers.Count} ({string.Join(", ", served)}), failed {load.Failures.Count}; both replicas had answered after {bothServed} answers; {clock.Elapsed.TotalSeconds:F1} s");
            foreach (var step in steps)
            {
                Output.WriteLine($"  {step.From} → {step.To} ({step.Start:HH:mm:ss.fff}–{step.End:HH:mm:ss.fff}): failed {load.Failures.Count(f => f.At >= step.Start && f.At <= step.End)}");
            }

            foreach (var failure in load.Failures)
            {
                Output.WriteLine($"failed at {failure.At:HH:mm:ss.fff}: {failure.Error}");
            }

            return (load, last, from);
        }
        catch
        {
            await load.DisposeAsync();
            throw;
        }
    }
}
