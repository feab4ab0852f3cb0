using GrandAmbassador.Bench.Scale.Cluster;
using GrandAmbassador.Bench.Scale.Engine;
using GrandAmbassador.Bench.Scale.Hosts;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Bench.Scale.Scenario;

/// <summary>
/// The simulated cluster brought up in the order a real one settles in: silos, then every agent's first list (so the
/// grains hold every endpoint), then the ambassadors (each follower's first snapshot is then whole). The last silo gets
/// no hosts when a silo is to be killed: it holds a share of the grains, and its death moves them, but it takes no
/// simulated host's own endpoints with it (with one silo per host, one host of 200 would go).
/// </summary>
internal sealed class Simulation : IAsyncDisposable
{
    private readonly List<SimulatedAgent> _agents = [];
    private readonly List<SimulatedAmbassador> _ambassadors = [];
    private readonly ILoggerFactory _loggers;

    public Simulation(ScaleOptions options, WarningLog log)
    {
        Options = options;
        Layout = new Layout(options);
        Log = log;
        _loggers = LoggerFactory.Create(builder => builder.ClearProviders().AddProvider(log).SetMinimumLevel(LogLevel.Warning));
        Cluster = new SimCluster(options.Silos, Calls, log, _loggers);
    }

    public ScaleOptions Options { get; }

    public Layout Layout { get; }

    public WarningLog Log { get; }

    public SimCluster Cluster { get; }

    public CallCounts Calls { get; } = new();

    public EngineCounters Engines { get; } = new();

    public OrleansMessageMeter Meter { get; } = new();

    public IReadOnlyList<SimulatedAgent> Agents => _agents;

    public IReadOnlyList<SimulatedAmbassador> Ambassadors => _ambassadors;

    /// <summary>The silo hosts attach to: round robin over all but the last when a silo is to be killed.</summary>
    private SimSilo SiloOf(int host) =>
        Cluster.Silos[host % (Options.KillSilo ? Cluster.Silos.Count - 1 : Cluster.Silos.Count)];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await Cluster.StartAsync(cancellationToken).ConfigureAwait(false);
        Progress($"{Cluster.Silos.Count} silos up");
        for (var host = 0; host < Options.Hosts; host++)
        {
            var agent = new SimulatedAgent(host, Layout, SiloOf(host), Engines, _loggers);
            _agents.Add(agent);
            await agent.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        await Task.WhenAll(_agents.Select(agent => agent.Listed)).WaitAsync(TimeSpan.FromMinutes(5), cancellationToken).ConfigureAwait(false);
        Progress($"{Options.Hosts} agents listed {Options.Hosts * Options.Containers} containers");
        for (var host = 0; host < Options.Hosts; host++)
        {
            var ambassador = new SimulatedAmbassador(host, Layout, SiloOf(host), _loggers);
            _ambassadors.Add(ambassador);
            await ambassador.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        var followers = _ambassadors.SelectMany(ambassador => ambassador.Names).ToList();
        var whole = await FollowerProbe.UntilAsync(
            () => followers.All(name => FollowerProbe.RoutesAll(name, Layout.Endpoints(name.Name))), TimeSpan.FromMinutes(5), cancellationToken).ConfigureAwait(false);
        Progress(whole
            ? $"{followers.Count} followers route every endpoint of their names"
            : $"{followers.Count(name => !FollowerProbe.RoutesAll(name, Layout.Endpoints(name.Name)))} of {followers.Count} followers still miss endpoints after 5 minutes");
    }

    public static void Progress(string message) => Console.Error.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {message}");

    public async ValueTask DisposeAsync()
    {
        foreach (var ambassador in _ambassadors)
        {
            await ambassador.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var agent in _agents)
        {
            await agent.DisposeAsync().ConfigureAwait(false);
        }

        await Cluster.DisposeAsync().ConfigureAwait(false);
        Meter.Dispose();
        _loggers.Dispose();
    }
}
