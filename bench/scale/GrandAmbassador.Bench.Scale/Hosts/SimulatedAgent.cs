using Docker.DotNet.Models;
using GrandAmbassador.Agent;
using GrandAmbassador.Bench.Scale.Cluster;
using GrandAmbassador.Bench.Scale.Engine;
using GrandAmbassador.Docker;
using GrandAmbassador.Docker.Inspection;
using GrandAmbassador.Docker.Watching;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GrandAmbassador.Bench.Scale.Hosts;

/// <summary>
/// One simulated host's agent, wired as <c>ControlPlaneHost</c> wires it: the real <see cref="DockerAgentSession"/>
/// over a fake engine, the real <see cref="GrainEndpointSink"/> on the host's silo, <see cref="ReportAgainOnClusterChange"/>
/// and <see cref="AgentControlRegistration"/>. Only the engine is fake (and the reconnect loop of <c>DockerAgent</c>,
/// which a fake engine that never fails would not exercise).
/// </summary>
internal sealed class SimulatedAgent : IAsyncDisposable
{
    private readonly int _host;
    private readonly Layout _layout;
    private readonly ILoggerFactory _loggers;
    private readonly FakeEngine _engine;
    private readonly KnownContainers _known = new();
    private readonly ContainerDrains _drains = new();
    private readonly DockerAgentOptions _options;
    private readonly GrainEndpointSink _sink;
    private readonly ReportAgainOnClusterChange _reportAgain;
    private readonly AgentControlRegistration _registration;
    private readonly TaskCompletionSource _listed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int[] _runs;
    private readonly CancellationTokenSource _stop = new();
    private Task _session = Task.CompletedTask;

    public SimulatedAgent(int host, Layout layout, SimSilo silo, EngineCounters counters, ILoggerFactory loggers)
    {
        _host = host;
        _layout = layout;
        _loggers = loggers;
        _engine = new FakeEngine(counters);
        _runs = new int[layout.Options.Containers];
        _options = new DockerAgentOptions { HostId = Layout.HostId(host), AdvertiseAddress = Layout.Advertise(host) };
        var identity = new HostIdentity(_options.HostId, _options.AdvertiseAddress!);
        _sink = new GrainEndpointSink(silo.Grains, silo.Details, _known, Options.Create(_options), TimeProvider.System, loggers.CreateLogger<GrainEndpointSink>());
        _reportAgain = new ReportAgainOnClusterChange(silo.Changes, _sink);
        _registration = new AgentControlRegistration(silo.Grains, _drains, identity, silo.Changes, TimeProvider.System, loggers.CreateLogger<AgentControlRegistration>());
        _drains.Attach(identity.HostId, _known);
    }

    /// <summary>Completes once the agent has listed its engine and reported everything once.</summary>
    public Task Listed => _listed.Task;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        for (var index = 0; index < _layout.Options.Containers; index++)
        {
            _engine.FakeContainers.Put(Inspect(index));
        }

        var identity = new HostIdentity(_options.HostId, _options.AdvertiseAddress!);
        var session = new DockerAgentSession(
            _engine, new ContainerInspector(identity), _sink, new AgentSequence(TimeProvider.System), _known, _drains.Drained,
            TimeProvider.System, _options.ReconcileInterval, _options.FullSweepInterval, _loggers.CreateLogger<DockerAgentSession>());
        _drains.SessionStarted(session);
        _session = RunSessionAsync(session, _stop.Token);
        await _reportAgain.StartAsync(cancellationToken).ConfigureAwait(false);
        await _registration.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Restarts container <paramref name="index"/> as the engine would show it: a new run (a later start, another
    /// address), then the die and start events on the stream; the agent re-inspects once and reports.
    /// </summary>
    /// <returns>The new run's start time, which a follower's routes show once it routes the new run.</returns>
    public async Task<DateTimeOffset> RestartAsync(int index, CancellationToken cancellationToken)
    {
        _runs[index]++;
        var inspect = Inspect(index);
        _engine.FakeContainers.Put(inspect);
        await _engine.FakeSystem.SendAsync(
            cancellationToken, FakeSystemOperations.Event("die", inspect.ID), FakeSystemOperations.Event("start", inspect.ID)).ConfigureAwait(false);
        return DockerTimestamp.Parse(inspect.State?.StartedAt);
    }

    public string ContainerId(int index) => FakeContainer.Id(_host, index);

    private ContainerInspectResponse Inspect(int index) =>
        FakeContainer.Inspect(FakeContainer.Id(_host, index), _layout.ContainerName(_host, index), _host, index, _runs[index]);

    private async Task RunSessionAsync(DockerAgentSession session, CancellationToken cancellationToken)
    {
        try
        {
            await session.RunAsync(_ => _listed.TrySetResult(), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            _listed.TrySetException(exception);
            await Console.Error.WriteLineAsync($"agent of {_options.HostId} ended: {exception.Message}").ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _registration.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _reportAgain.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _session.ConfigureAwait(false);
        _stop.Dispose();
    }
}
