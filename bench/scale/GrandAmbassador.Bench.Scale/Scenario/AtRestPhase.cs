using System.Diagnostics;
using GrandAmbassador.Bench.Scale.Cluster;
using GrandAmbassador.Bench.Scale.Report;

namespace GrandAmbassador.Bench.Scale.Scenario;

/// <summary>
/// Nothing changes for <see cref="ScaleOptions.Seconds"/>: whatever the cluster says meanwhile is the cost of rest.
/// Counted: grain calls, messages and serialized bytes per method; the engines' lists and inspects; Orleans' own
/// count of messages between silos; the membership table's reads (from the refresh interval); the heap after a full GC.
/// </summary>
internal static class AtRestPhase
{
    public static async Task<IReadOnlyDictionary<string, MethodTotals>> RunAsync(Simulation sim, Figures figures, CancellationToken cancellationToken)
    {
        // Settle: the first renewals after start-up land in the window, as they would at any time of a long rest.
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        Simulation.Progress($"at rest for {sim.Options.Seconds} s");
        var calls = sim.Calls.Snapshot();
        var (inspects, lists) = (sim.Engines.Inspects, sim.Engines.Lists);
        var meter = sim.Meter.Totals;
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(sim.Options.Seconds), cancellationToken).ConfigureAwait(false);
        var seconds = clock.Elapsed.TotalSeconds;
        var window = MethodTotals.Window(calls, sim.Calls.Snapshot());
        var meterAfter = sim.Meter.Totals;

        var product = window.Where(pair => MethodTotals.IsProduct(pair.Key)).Select(pair => pair.Value).ToList();
        var runtime = window.Where(pair => !MethodTotals.IsProduct(pair.Key)).Select(pair => pair.Value).ToList();
        figures.Add("messages/s at rest", product.Sum(method => method.Messages) / seconds, "msg/s",
            "the product's grain calls + their responses (counting call filter on every silo)");
        // At true rest nothing is published: a notification here means the window was not at rest (a lease lapsed, a silo died).
        figures.Add("publishes to subscribers during the window", Sum(window, ".OnEndpointsDelta"), "notifications", "0 when the cluster was at rest");
        figures.Add("grain calls/s at rest", product.Sum(method => method.Calls) / seconds, "calls/s", "same filter: calls only");
        figures.Add("bytes/s at rest", product.Sum(method => method.Bytes) / seconds / 1024, "KiB/s",
            "their requests and responses as Orleans serializes them (message headers aside)");
        figures.Add($"Orleans runtime messages/s at rest ({sim.Cluster.Silos.Count} silos)", runtime.Sum(method => method.Messages) / seconds, "msg/s",
            "pings and load statistics between the simulated silos: they grow with silos, not hosts, so not in the rows above");
        figures.Add("engine inspects/s at rest (all hosts)", (sim.Engines.Inspects - inspects) / seconds, "/s", "counted in the fake engines");
        figures.Add("engine lists/s at rest (all hosts)", (sim.Engines.Lists - lists) / seconds, "/s", "counted in the fake engines");
        figures.Add("messages/s between silos (Orleans meter)", (meterAfter.Messages - meter.Messages) / seconds, "msg/s",
            $"orleans-messaging-sent-messages-size, {sim.Cluster.Silos.Count} silos: only calls that leave their silo");
        figures.Add("bytes/s between silos (Orleans meter)", (meterAfter.Bytes - meter.Bytes) / seconds / 1024, "KiB/s", "same meter, with headers");

        // Every silo reads the whole table on each refresh; with one silo per host that is H reads of H rows.
        var refresh = sim.Cluster.MembershipRefresh.TotalSeconds;
        figures.Add("membership-table reads/s (one silo per host)", sim.Options.Hosts / refresh, "reads/s",
            $"computed: {sim.Options.Hosts} silos x 1 full read / {refresh:0.#} s (TableRefreshTimeout, FastFailureDetection); not counted");
        figures.Add("membership-table rows read/s (one silo per host)", (double)sim.Options.Hosts * sim.Options.Hosts / refresh, "rows/s",
            "computed: each read returns every silo's row (Redis: one hash of JSON rows)");

        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        figures.Add("heap after a full GC (whole process)", heap / 1024.0 / 1024.0, "MiB",
            "GC.GetTotalMemory after forced compacting collections: silos, grains, agents, followers, proxies and fakes");
        figures.Detail("atRestMethods", MethodTable.Json(window, seconds));
        Console.WriteLine();
        Console.WriteLine($"At rest, {seconds:0} s, by grain method:");
        Console.WriteLine();
        Console.WriteLine(MethodTable.Markdown(window, seconds));
        return window;
    }

    private static long Sum(IReadOnlyDictionary<string, MethodTotals> window, string method) =>
        window.Where(pair => pair.Key.EndsWith(method, StringComparison.Ordinal)).Sum(pair => pair.Value.Calls);
}
