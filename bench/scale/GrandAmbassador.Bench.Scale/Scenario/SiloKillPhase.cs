using System.Diagnostics;
using GrandAmbassador.Bench.Scale.Cluster;
using GrandAmbassador.Bench.Scale.Report;
using GrandAmbassador.Contracts.Grains;

namespace GrandAmbassador.Bench.Scale.Scenario;

/// <summary>
/// The silo that no simulated host uses is killed (no goodbye): the others declare it dead, the name grains it held come
/// back elsewhere when next called, and today's design refills them by storm (every agent re-reports everything, every
/// follower re-subscribes). Measured: the time from the death being declared to every follower of a moved name having
/// applied a complete snapshot of the new activation with all its endpoints, and the grain calls of the 30 s after the
/// kill beyond what rest costs in 30 s.
/// </summary>
internal static class SiloKillPhase
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(Simulation sim, Figures figures, IReadOnlyDictionary<string, MethodTotals> atRest, CancellationToken cancellationToken)
    {
        var victim = sim.Cluster.Silos[^1];
        var watcher = sim.Cluster.Silos[0];
        var followers = sim.Ambassadors.SelectMany(ambassador => ambassador.Names).ToList();
        var moved = followers
            .Where(fronted => sim.Cluster.WhereIs(watcher.Grains.GetGrain<IContainerEndpointGrain>(fronted.Name).GetGrainId()) == victim.Details.SiloAddress)
            .Select(fronted => (Name: fronted, Epoch: fronted.Applied.Snapshot?.Epoch))
            .ToList();
        Simulation.Progress($"killing {victim.Details.SiloAddress}: {moved.Select(m => m.Name.Name).Distinct().Count()} names' grains on it, {moved.Count} followers of them");

        var before = sim.Calls.Snapshot();
        var changed = watcher.Changes.Next;
        var clock = Stopwatch.StartNew();
        await sim.Cluster.KillAsync(victim).ConfigureAwait(false);
        // The simulation's probes are slower than the product's (SimCluster says why): the declaration takes longer here.
        await changed.WaitAsync(TimeSpan.FromSeconds(120), cancellationToken).ConfigureAwait(false);
        var declared = clock.Elapsed;
        var complete = await FollowerProbe.UntilAsync(
            () => moved.All(m => m.Name.Applied.Snapshot is { } snapshot && snapshot.Epoch != m.Epoch && snapshot.Complete
                && FollowerProbe.RoutesAll(m.Name, sim.Layout.Endpoints(m.Name.Name))),
            TimeSpan.FromSeconds(60),
            cancellationToken).ConfigureAwait(false);
        var completed = clock.Elapsed - declared;
        var rest = Window - clock.Elapsed;
        if (rest > TimeSpan.Zero)
        {
            await Task.Delay(rest, cancellationToken).ConfigureAwait(false);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var window = MethodTotals.Window(before, sim.Calls.Snapshot());
        var restSeconds = sim.Options.Seconds;
        // The product's calls only: the dead silo's own pings and statistics stop with it.
        var calls = window.Where(pair => MethodTotals.IsProduct(pair.Key)).Sum(pair => pair.Value.Calls);
        var restCalls = atRest.Where(pair => MethodTotals.IsProduct(pair.Key)).Sum(pair => pair.Value.Calls) * seconds / restSeconds;
        figures.Add("silo killed: death declared after", declared.TotalSeconds, "s", "kill to the product's MembershipWatcher seeing Dead (the simulation's slower probes: not the product's 3 s)");
        figures.Add("silo killed: moved grains complete, all their followers routing every endpoint", complete ? completed.TotalSeconds : double.NaN, "s",
            complete ? "after the death was declared; a new epoch, Complete, every endpoint routed" : "not within 60 s");
        figures.Add("silo killed: refill calls", calls - restCalls, "calls",
            $"grain calls in the {seconds:0} s after the kill ({calls:N0}) minus what rest costs in as long ({restCalls:N0})");
        figures.Add("silo killed: reports in that window", Sum(window, ".ReportAsync"), "calls", "ContainerEndpointGrain.ReportAsync");
        figures.Add("silo killed: subscribes in that window", Sum(window, ".SubscribeAsync"), "calls", "ContainerEndpointGrain.SubscribeAsync");
        figures.Detail("siloKillMethods", MethodTable.Json(window, seconds));
    }

    private static long Sum(IReadOnlyDictionary<string, MethodTotals> window, string method) =>
        window.Where(pair => pair.Key.EndsWith(method, StringComparison.Ordinal)).Sum(pair => pair.Value.Calls);
}
