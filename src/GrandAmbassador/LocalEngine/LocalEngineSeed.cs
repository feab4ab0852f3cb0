using GrandAmbassador.Agent;
using GrandAmbassador.Ambassador;
using GrandAmbassador.Configuration;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.DataPlane;
using GrandAmbassador.Docker;
using GrandAmbassador.Docker.Connection;
using GrandAmbassador.Docker.Inspection;
using GrandAmbassador.Docker.Watching;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GrandAmbassador.LocalEngine;

/// <summary>
/// Serves from the first second: from process start until the first silo is up, watches this host's
/// engine as the agent does (subscribe, list, follow events) and points each fronted name whose
/// container runs here at it, so a name listens as soon as the engine has answered rather than
/// once the silo has started and the grain has answered (~3 s). The seed's snapshots are incomplete
/// (they add routes, remove none) and stop at <see cref="FrontedName.TakeOverAsync"/>: the name's
/// follower carries the seed's plan on as its previous plan, so the grain's first incomplete
/// snapshots keep the seed's routes beside their own and its first complete one rules alone.
/// </summary>
internal sealed class LocalEngineSeed : IAsyncDisposable
{
    /// <summary>The epoch of the seed's snapshots: no grain activation draws it.</summary>
    public static Guid Epoch => AppliedRoutes.LocalEngineEpoch;

    private readonly AmbassadorSettings _settings;
    private readonly FrontedNameRegistry _names;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LocalEngineSink _sink;
    private readonly LocalContainerView _view;
    private readonly Dictionary<FrontedName, long> _seeded = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstList = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _run;

    private LocalEngineSeed(AmbassadorSettings settings, FrontedNameRegistry names, LocalContainerView view, TimeProvider time, ILoggerFactory loggers)
    {
        _settings = settings;
        _view = view;
        _names = names;
        _time = time;
        _logger = loggers.CreateLogger<LocalEngineSeed>();
        _sink = new LocalEngineSink(settings.Host.HostId, SeedAsync);
        _run = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>Completes once the first list was applied, or the engine could not be listed.</summary>
    public Task FirstList => _firstList.Task;

    /// <summary>Starts watching, unless the process runs no agent (then there is no engine to read).</summary>
    public static LocalEngineSeed? Start(AmbassadorSettings settings, DataPlaneServices dataPlane)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(dataPlane);
        return settings.NoAgent ? null : new LocalEngineSeed(settings, dataPlane.Names, dataPlane.LocalContainers, dataPlane.Time, dataPlane.LoggerFactory);
    }

    /// <summary>Stops watching (the silo is up: the agent and the grains take it from here).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _run.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var agentOptions = new DockerAgentOptions();
        DockerAgentSettings.Apply(agentOptions, _settings);
        var options = Options.Create(agentOptions);
        try
        {
            // At the engine's own API version, as the agent talks (Docker 29 refuses anything below 1.44).
            var factory = new DockerClientFactory(options);
            var engine = await factory.NegotiateAsync(cancellationToken).ConfigureAwait(false);
            using var client = factory.Create(engine.ApiVersion);
            // Only the fronted names' containers, the first list being what a user waits for; every container when this
            // host runs a relay, which serves other hosts from this list until the agent has listed the engine.
            var inspector = _settings.RunsRelay ? new ContainerInspector(_settings.Host) : new ContainerInspector(_settings.Host, name => _names.Find(name) is not null);
            var known = new KnownContainers();
            var session = new DockerAgentSession(
                client, inspector, _sink, new AgentSequence(_time), known, new DrainedContainers(), _time, options.Value.ReconcileInterval, options.Value.FullSweepInterval, _logger);
            await session.RunAsync(
                _ =>
                {
                    _view.AttachEarly(known);
                    _firstList.TrySetResult();
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            // The agent says so, with its retries, once the silo is up; until then names wait for it.
            LocalEngineLog.Unavailable(_logger, exception.Message);
        }
        finally
        {
            _firstList.TrySetResult();
        }
    }

    /// <summary>After every list and event: points each name not yet followed at its local containers.</summary>
    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        var containers = _sink.Containers.ToList();
        var gone = _sink.Gone;
        foreach (var name in _names.Current.Names)
        {
            var mine = containers.Where(endpoint => endpoint.ServiceNames.Contains(name.Name)).ToList();
            var seeded = _seeded.TryGetValue(name, out var version);
            if (!seeded && !mine.Any(endpoint => endpoint.AcceptsTraffic))
            {
                // Nothing to learn here yet: the name waits for its grain as before.
                continue;
            }

            version = seeded ? version + 1 : 1;
            _seeded[name] = version;
            var snapshot = new EndpointSet(name.Name, version, [.. mine], Epoch, [.. gone], Complete: false);
            try
            {
                await name.SeedAsync(() => ApplyAsync(name, snapshot), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Removed meanwhile, or its proxy refused: its follower applies the grain's snapshots soon.
                LocalEngineLog.SeedFailed(_logger, name.Name, exception.Message);
            }
        }
    }

    private async Task ApplyAsync(FrontedName name, EndpointSet snapshot)
    {
        var context = new RouteContext(_settings.Host.HostId, LocalNetworks.Read(), _settings.MaxExposedPorts, _settings.PreferIpv6, _settings.HostRelay.CrossHost);
        var plan = RouteBuilder.Build(name.Service, snapshot, context, name.Applied.Plan);
        // Not cancelled half-way when the seed stops: the follower carries on from what is applied.
        var change = await name.ApplyAsync(snapshot, plan, CancellationToken.None).ConfigureAwait(false);
        ListenFailureLog.Log(_logger, name.Name, change.FailedBefore, change.Failed, retry: null);
        RouteLogger.Log(_logger, name.Name, change, seen: change.Before, first: false, _settings.Wait);
    }
}
