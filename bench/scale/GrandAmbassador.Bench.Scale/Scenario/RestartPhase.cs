using System.Diagnostics;
using GrandAmbassador.Bench.Scale.Cluster;
using GrandAmbassador.Bench.Scale.Hosts;
using GrandAmbassador.Bench.Scale.Report;

namespace GrandAmbassador.Bench.Scale.Scenario;

/// <summary>
/// A container of a shared name restarts (a new run at a new address: die and start on its engine's stream), once on
/// each of a few hosts in turn. Measured from the events to each follower of the name (one per host) having applied
/// routes built from the new run; and what the restart cost in grain messages, the notifications to subscribers apart.
/// </summary>
internal static class RestartPhase
{
    private const int Restarts = 5;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public static async Task RunAsync(Simulation sim, Figures figures, CancellationToken cancellationToken)
    {
        var perFollower = new List<double>();
        var lastFollower = new List<double>();
        var notifications = new List<MethodTotals>();
        var everything = new List<MethodTotals>();
        var name = Layout.SharedName(0);
        var followers = sim.Ambassadors.SelectMany(ambassador => ambassador.Names).Where(fronted => fronted.Name == name).ToList();
        for (var i = 0; i < Restarts; i++)
        {
            var host = i * Math.Max(1, sim.Options.Hosts / Restarts) % sim.Options.Hosts;
            var agent = sim.Agents[host];
            var before = sim.Calls.Snapshot();
            var clock = Stopwatch.StartNew();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Limit);
            var startedAt = await agent.RestartAsync(0, timeout.Token).ConfigureAwait(false);
            var waits = followers.Select(fronted => FollowerProbe.RoutedAsync(fronted, Layout.HostId(host), agent.ContainerId(0), startedAt, clock, timeout.Token)).ToList();
            try
            {
                var times = await Task.WhenAll(waits).ConfigureAwait(false);
                perFollower.AddRange(times.Select(time => time.TotalMilliseconds));
                lastFollower.Add(times.Max().TotalMilliseconds);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                Simulation.Progress($"restart {i + 1}: {waits.Count(wait => !wait.IsCompletedSuccessfully)} of {followers.Count} followers did not route the new run within {Limit.TotalSeconds} s");
            }

            // The followers' AppliedAsync calls trail their applies: let them land in this restart's count.
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            var window = MethodTotals.Window(before, sim.Calls.Snapshot());
            notifications.Add(Sum(window.Where(pair => pair.Key.EndsWith(".OnEndpointsDelta", StringComparison.Ordinal)).Select(pair => pair.Value)));
            everything.Add(Sum(window.Values));
            Simulation.Progress($"restart {i + 1} on {Layout.HostId(host)}: last of {followers.Count} followers routed it after {(lastFollower.Count > i ? lastFollower[i] : double.NaN):0} ms");
        }

        var followersCount = followers.Count;
        figures.Add($"restart on a shared name: follower routes the new run, p50 ({followersCount} followers x {Restarts} restarts)", Percentiles.Of(perFollower, 50), "ms", "from the engine's events to the follower's applied routes");
        figures.Add("restart on a shared name: follower routes the new run, p99", Percentiles.Of(perFollower, 99), "ms", "same sample");
        figures.Add($"restart on a shared name: last of {followersCount} followers routes it, median of {Restarts}", Percentiles.Of(lastFollower, 50), "ms", "per restart, the slowest follower");
        figures.Add($"bytes per publish on a shared name (E = {sim.Options.Hosts}, {followersCount} subscribers)",
            notifications.Average(total => total.Bytes) / 1024, "KiB", "OnEndpointsDelta requests in a restart's window, serialized (one publish per restart)");
        figures.Add("notifications per restart", notifications.Average(total => total.Calls), "calls", "OnEndpointsDelta calls in a restart's window");
        figures.Add("all grain messages per restart", everything.Average(total => total.Messages), "msg", "every method, in a 2 s+ window (at-rest traffic of that window included)");
        figures.Add("all grain bytes per restart", everything.Average(total => total.Bytes) / 1024, "KiB", "same window");
    }

    private static MethodTotals Sum(IEnumerable<MethodTotals> totals) =>
        totals.Aggregate(MethodTotals.Zero, (sum, one) => new MethodTotals(sum.Calls + one.Calls, sum.Responses + one.Responses, sum.RequestBytes + one.RequestBytes, sum.ResponseBytes + one.ResponseBytes));
}
