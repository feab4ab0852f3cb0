using GrandAmbassador.Grains.Endpoints;
using GrandAmbassador.Grains.Hosting;
using GrandAmbassador.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace GrandAmbassador.Bench.Scale.Cluster;

/// <summary>
/// The in-process cluster: a few silos with the product's grains and the settings a clustered silo runs with
/// (<see cref="FastFailureDetection"/>, the grains' default options, the silos-only filter), and a counting filter on
/// every silo. Orleans' test cluster keeps its membership table in memory; how often a silo reads it is its
/// <see cref="ClusterMembershipOptions.TableRefreshTimeout"/>, which <see cref="MembershipRefresh"/> reports.
/// </summary>
internal sealed class SimCluster : IAsyncDisposable
{
    private readonly InProcessTestCluster _cluster;
    private readonly ILoggerFactory _loggers;
    private readonly List<SimSilo> _silos = [];

    public SimCluster(int silos, CallCounts counts, ILoggerProvider log, ILoggerFactory loggers)
    {
        _loggers = loggers;
        var builder = new InProcessTestClusterBuilder((short)silos);
        // Orleans' test cluster writes a file log per silo by default: warnings go to stderr here instead.
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Logging.ClearProviders();
            host.Logging.AddProvider(log);
            host.Logging.SetMinimumLevel(LogLevel.Warning);
            host.Services.TryAddSingleton(TimeProvider.System);
            host.Services.AddSingleton(counts);
            host.Services.AddOptions<ContainerEndpointGrainOptions>();
            host.Services.Configure<ClusterMembershipOptions>(options =>
            {
                FastFailureDetection.Apply(options);
                // The product's table refresh (2 s) stays. Its 1 s probes do not: one silo here carries the work of
                // dozens of hosts on a shared 2-core machine, stalls for seconds, and is voted dead for it (seen at 50
                // hosts), which starts a storm that is the simulation's, not the product's.
                options.ProbeTimeout = TimeSpan.FromSeconds(10);
                options.NumMissedProbesLimit = 6;
            });
        });
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddOutgoingGrainCallFilter<CountingCallFilter>();
            silo.AddIncomingGrainCallFilter<SilosOnlyFilter>();
        });
        builder.ConfigureClientHost(client =>
        {
            client.Logging.ClearProviders();
            client.Logging.AddProvider(log);
            client.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        _cluster = builder.Build();
    }

    public IReadOnlyList<SimSilo> Silos => _silos;

    /// <summary>How often each silo reads the whole membership table (Redis in production).</summary>
    public TimeSpan MembershipRefresh { get; private set; }

    public IClusterClient Client => _cluster.Client;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _cluster.DeployAsync().ConfigureAwait(false);
        foreach (var handle in _cluster.Silos)
        {
            var silo = new SimSilo(handle, _loggers);
            await silo.StartAsync(cancellationToken).ConfigureAwait(false);
            _silos.Add(silo);
        }

        MembershipRefresh = _cluster.Silos[0].ServiceProvider
            .GetRequiredService<Microsoft.Extensions.Options.IOptions<ClusterMembershipOptions>>().Value.TableRefreshTimeout;
    }

    /// <summary>The silo where <paramref name="grain"/> is active now, if it is.</summary>
    public SiloAddress? WhereIs(GrainId grain) =>
        _cluster.TryGetGrainContext(grain, out var context) ? context.Address.SiloAddress : null;

    /// <summary>Kills a silo without a goodbye: the others declare it dead when it misses its probes.</summary>
    public async Task KillAsync(SimSilo silo)
    {
        await silo.StopAsync(CancellationToken.None).ConfigureAwait(false);
        _silos.Remove(silo);
        await _cluster.KillSiloAsync(silo.Handle).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        await _cluster.StopAllSilosAsync().ConfigureAwait(false);
        await _cluster.DisposeAsync().ConfigureAwait(false);
    }
}
