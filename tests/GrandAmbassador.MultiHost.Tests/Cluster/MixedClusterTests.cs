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
/// published port, across the root namespace's routing between the lab's bridge and the engines.
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
        await using var load = HttpLoad.Start(LabScenario.Through("c"));
        await load.FirstAnswerFromAsync(MultiHostLab.HostId(Docker), DateTime.MinValue);
        await load.FirstAnswerFromAsync(MultiHostLab.HostId(Podman), DateTime.MinValue);
        var bothServed = load.Answers.Count;

        var (from, to) = (Docker, Podman);
        for (var i = 0; i < Redeploys; i++)
        {
            // The first time, the new side is the replica that runs already on Podman.
            var drained = await Lab.RedeployAsync(from, to, drain: true, startNew: i > 0);
            var removed = DateTime.UtcNow;
            Output.WriteLine($"{from} → {to}: drain confirmed in {drained!.Value.Took.TotalMilliseconds:F0} ms: {drained.Value.Said}");
            await load.FirstAnswerFromAsync(MultiHostLab.HostId(to), removed);
            (from, to) = (to, from);
        }

        var last = DateTime.UtcNow;
        await load.FirstAnswerFromAsync(MultiHostLab.HostId(from), last);
        await load.StopAsync();

        var served = load.Answers.GroupBy(a => a.ServedBy).Select(g => $"{g.Key} {g.Count()}");
        Output.WriteLine($"mixed cluster: {Redeploys} redeploys between {Docker} and {Podman} through c, requests sent {load.Sent}, answered {load.Answers.Count} ({string.Join(", ", served)}), failed {load.Failures.Count}; {bothServed} answered before the first redeploy; {clock.Elapsed.TotalSeconds:F1} s");
        foreach (var failure in load.Failures)
        {
            Output.WriteLine($"failed at {failure.At:HH:mm:ss.fff}: {failure.Error}");
        }

        Assert.Empty(load.Failures);
        Assert.True(load.Answers.Count > 100, $"only {load.Answers.Count} requests answered");
        Assert.All(load.Answers, a => Assert.Contains(a.ServedBy, new[] { MultiHostLab.HostId(Docker), MultiHostLab.HostId(Podman) }));
        Assert.All(load.Answers.Where(a => a.At > last), a => Assert.Equal(MultiHostLab.HostId(from), a.ServedBy));
    }
}
