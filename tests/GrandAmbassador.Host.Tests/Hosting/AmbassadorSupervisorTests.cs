using GrandAmbassador.CommandLine;
using GrandAmbassador.Configuration;
using GrandAmbassador.DataPlane;
using GrandAmbassador.Host.Tests.Ambassador;
using GrandAmbassador.Host.Tests.Fakes;
using GrandAmbassador.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GrandAmbassador.Host.Tests.Hosting;

/// <summary>
/// The supervisor over real generic hosts that stand in for control-plane generations: each host starts,
/// faults, fails to start or is declared dead as the test scripts it, and the supervisor must answer with
/// the exit code and the next generation the process promises.
/// </summary>
public sealed class AmbassadorSupervisorTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AStopRequest_EndsTheRunWithExitCode0_AndStopsTheGeneration()
    {
        await using var dataPlane = NewDataPlane();
        var generations = new GenerationScript(_ => GenerationBehaviour.Run);
        var supervisor = new AmbassadorSupervisor(Settings(), dataPlane, generations.Build);

        var run = Task.Run(supervisor.RunAsync);
        await supervisor.Started.WaitAsync(Guard);
        Assert.NotNull(supervisor.ControlPlane);
        supervisor.Stop();

        Assert.Equal(0, await run.WaitAsync(Guard));
        Assert.Equal([1], generations.Numbers);
        Assert.True(generations.Hosts[0].Stopped);
        Assert.Null(supervisor.ControlPlane);
    }

    [Fact]
    public async Task AGenerationWhoseBackgroundServiceFaults_EndsTheRunWithExitCode1()
    {
        await using var dataPlane = NewDataPlane();
        var generations = new GenerationScript(_ => GenerationBehaviour.FaultAfterStart);
        var supervisor = new AmbassadorSupervisor(Settings(), dataPlane, generations.Build);

        Assert.Equal(AmbassadorSupervisor.Faulted, await Task.Run(supervisor.RunAsync).WaitAsync(Guard));
        // No second generation after a fault: the process exits and its service manager restarts it.
        Assert.Equal([1], generations.Numbers);
    }

    [Fact]
    public async Task ASiloDeclaredDead_IsReplacedByTheNextGeneration_WhileTheDataPlaneStays()
    {
        await using var dataPlane = NewDataPlane();
        var generations = new GenerationScript(_ => GenerationBehaviour.Run);
        var supervisor = new AmbassadorSupervisor(Settings(), dataPlane, generations.Build);

        var run = Task.Run(supervisor.RunAsync);
        var first = await generations.NextStartedAsync();
        first.Context.Generation.SignalDeclaredDead("declared dead by a test");
        var second = await generations.NextStartedAsync();

        Assert.True(first.Stopped);
        Assert.Same(first.Context.DataPlane, second.Context.DataPlane);
        supervisor.Stop();
        Assert.Equal(0, await run.WaitAsync(Guard));
        Assert.Equal([1, 2], generations.Numbers);
    }

    [Fact]
    public async Task AGenerationThatCannotStart_IsRetriedAfterABackoffOnTheDataPlaneClock()
    {
        var clock = new TimerWatchingClock();
        await using var dataPlane = NewDataPlane(clock);
        var generations = new GenerationScript(number => number == 1 ? GenerationBehaviour.FailToStart : GenerationBehaviour.Run);
        var supervisor = new AmbassadorSupervisor(Settings(), dataPlane, generations.Build);

        var run = Task.Run(supervisor.RunAsync);
        // Backoff of 1 s with 50 % jitter: the retry waits for the clock, not for real time.
        var backoff = await clock.NextTimerAsync(due => due >= TimeSpan.FromSeconds(0.5) && due <= TimeSpan.FromSeconds(1.5), Guard);
        Assert.Equal([1], generations.Numbers);
        clock.Advance(backoff);

        var second = await generations.NextStartedAsync();
        Assert.Equal(2, second.Context.Generation.Number);
        supervisor.Stop();
        Assert.Equal(0, await run.WaitAsync(Guard));
    }

    [Fact]
    public async Task AStopRequestDuringTheStartBackoff_EndsTheRunWithExitCode0_WithoutWaitingForTheClock()
    {
        var clock = new TimerWatchingClock();
        await using var dataPlane = NewDataPlane(clock);
        var generations = new GenerationScript(_ => GenerationBehaviour.FailToStart);
        var supervisor = new AmbassadorSupervisor(Settings(), dataPlane, generations.Build);

        var run = Task.Run(supervisor.RunAsync);
        await clock.NextTimerAsync(due => due >= TimeSpan.FromSeconds(0.5) && due <= TimeSpan.FromSeconds(1.5), Guard);
        // SIGTERM while Redis is still away: the clock never moves, so only the stop can end the wait.
        supervisor.Stop();

        Assert.Equal(0, await run.WaitAsync(Guard));
        Assert.Equal([1], generations.Numbers);
        Assert.Null(supervisor.ControlPlane);
        // Nobody waits for a generation that never started.
        Assert.True(supervisor.Started.IsCompleted);
    }

    private static DataPlaneServices NewDataPlane(TimeProvider? time = null) =>
        DataPlaneServices.Create(Settings(), (_, _) => { }, time);

    private static AmbassadorSettings Settings() => AmbassadorCommandLine.ParseSettings("--name", "supervised");

    private enum GenerationBehaviour
    {
        Run,
        FaultAfterStart,
        FailToStart,
    }

    /// <summary>Builds each generation's host as the script says, and remembers each one.</summary>
    private sealed class GenerationScript(Func<int, GenerationBehaviour> behaviourOf)
    {
        private readonly System.Threading.Channels.Channel<ScriptedHost> _started =
            System.Threading.Channels.Channel.CreateUnbounded<ScriptedHost>();

        public List<ScriptedHost> Hosts { get; } = [];

        public int[] Numbers => [.. Hosts.Select(h => h.Context.Generation.Number)];

        public IHost Build(ControlPlaneContext context)
        {
            var host = new ScriptedHost(context, behaviourOf(context.Generation.Number), _started.Writer);
            Hosts.Add(host);
            return host;
        }

        public async Task<ScriptedHost> NextStartedAsync()
        {
            using var timeout = new CancellationTokenSource(Guard);
            return await _started.Reader.ReadAsync(timeout.Token);
        }
    }

    /// <summary>A real generic host with the silo's identity and one scripted background service.</summary>
    private sealed class ScriptedHost : IHost
    {
        private readonly IHost _inner;
        private readonly System.Threading.Channels.ChannelWriter<ScriptedHost> _started;

        public ScriptedHost(ControlPlaneContext context, GenerationBehaviour behaviour, System.Threading.Channels.ChannelWriter<ScriptedHost> started)
        {
            Context = context;
            _started = started;
            var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Services.AddSingleton<ILocalSiloDetails, FakeLocalSiloDetails>();
            builder.Services.AddHostedService(_ => new ScriptedService(behaviour));
            _inner = builder.Build();
        }

        public ControlPlaneContext Context { get; }

        public bool Stopped { get; private set; }

        public IServiceProvider Services => _inner.Services;

        public async Task StartAsync(CancellationToken cancellationToken = default)
        {
            await _inner.StartAsync(cancellationToken);
            _started.TryWrite(this);
        }

        public async Task StopAsync(CancellationToken cancellationToken = default)
        {
            await _inner.StopAsync(cancellationToken);
            Stopped = true;
        }

        public void Dispose() => _inner.Dispose();
    }

    private sealed class ScriptedService(GenerationBehaviour behaviour) : BackgroundService
    {
        public override Task StartAsync(CancellationToken cancellationToken) =>
            behaviour == GenerationBehaviour.FailToStart
                ? throw new InvalidOperationException("cannot reach the cluster (scripted)")
                : base.StartAsync(cancellationToken);

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            // Yield first, so that the host has finished starting before the fault stops it (as an agent does).
            await Task.Yield();
            if (behaviour == GenerationBehaviour.FaultAfterStart)
            {
                throw new InvalidOperationException("a background service faulted (scripted)");
            }

            await Task.Delay(Timeout.Infinite, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
