using GrandAmbassador.Configuration;
using GrandAmbassador.DataPlane;
using GrandAmbassador.HostRelay;
using GrandAmbassador.Proxy.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using GrandAmbassador.LocalEngine;
using GrandAmbassador.Proxy.Engine;
using GrandAmbassador.Proxy.Limits;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Hosting;

/// <summary>
/// The whole process: the data plane (fronted names and their proxies), created once, and the
/// supervisor that runs control-plane generations over it. What <c>grand-ambassador</c> runs, and
/// what tests start in-process.
/// </summary>
internal sealed class AmbassadorRuntime : IAsyncDisposable
{
    private static readonly TimeSpan FirstListWait = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SeedAfterSilo = TimeSpan.FromSeconds(60);
    private readonly TaskCompletionSource _stopRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly AmbassadorSupervisor _supervisor;
    private readonly LocalEngineSeed? _seed;
    private readonly Task _seedStopped;
    private readonly Task<int> _run;
    private Task? _drain;
    private int _disposed;

    private AmbassadorRuntime(DataPlaneServices dataPlane, AmbassadorSupervisor supervisor, LocalEngineSeed? seed, PreboundSockets prebound, RelayServer? relay)
    {
        DataPlane = dataPlane;
        Relay = relay;
        _supervisor = supervisor;
        _seed = seed;
        _run = Task.Run(supervisor.RunAsync);
        // Once every name's follower has taken over from it (or the process stops).
        _seedStopped = seed is null ? Task.CompletedTask : StopSeedAsync(seed, prebound, supervisor.Started, dataPlane.Names, _stopRequested.Task);
    }

    /// <summary>Completes once the local engine's first list was applied (at once without an agent).</summary>
    public Task LocalEngineListed => _seed?.FirstList ?? Task.CompletedTask;

    public DataPlaneServices DataPlane { get; }

    /// <summary>This host's relay, when it runs one (<see cref="AmbassadorSettings.RunsRelay"/>).</summary>
    public RelayServer? Relay { get; }

    /// <summary>The registry of fronted names: add and remove names at run time here.</summary>
    public FrontedNameRegistry Names => DataPlane.Names;

    /// <summary>The current control-plane generation's host; null while one is being replaced.</summary>
    public IHost? ControlPlane => _supervisor.ControlPlane;

    /// <summary>Completes once the first silo has started (or the process is stopping).</summary>
    public Task Started => _supervisor.Started;

    /// <summary>Completes with the exit code when the last generation has ended.</summary>
    public Task<int> Completion => _run;

    /// <summary>
    /// Builds the data plane, binds the command line's names (a port that cannot be bound is an
    /// <see cref="InvalidSettingException"/>) and starts supervising the control plane.
    /// </summary>
    public static async Task<AmbassadorRuntime> StartAsync(
        AmbassadorSettings settings, Action<ILoggingBuilder>? configureLogging = null, CancellationToken cancellationToken = default)
    {
        // The process's one side effect on its limits, before anything reads them: the default
        // --max-connections is derived from the soft open-file limit.
        var openFiles = ProcessLimits.RaiseOpenFilesToHardLimit();

        // Then, beside the data plane's construction: bind the ports of the names whose container
        // runs here, so that their clients wait in the backlog from now on rather than being refused.
        var early = new ProxyOptions();
        DataPlaneServices.ConfigureProxy(early, settings);
        var earlyBinding = Task.Run(() => EarlyListeners.BindAsync(settings, early, cancellationToken), CancellationToken.None);
        var dataPlane = DataPlaneServices.Create(
            settings,
            (logging, quiet) =>
            {
                ConsoleLogging.Configure(logging, settings.LogLevel, quiet);
                configureLogging?.Invoke(logging);
            },
            prebound: early.Prebound);
        if (openFiles is { } limit)
        {
            OpenFilesLog.OpenFiles(dataPlane.LoggerFactory.CreateLogger("GrandAmbassador.DataPlane"), limit);
        }

        try
        {
            foreach (var service in settings.Services)
            {
                await dataPlane.Names.AddAsync(service, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await earlyBinding.ConfigureAwait(false);
            early.Prebound.ReleaseUnclaimed();
            await dataPlane.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        // Sealed once done: from here on each listener binds its own port if none was bound for it.
        await earlyBinding.ConfigureAwait(false);

        // The relay binds its port now: one that is taken is bad input, said before anything else starts.
        var relay = settings.RunsRelay ? CreateRelay(settings, dataPlane) : null;
        try
        {
            relay?.Start();
        }
        catch
        {
            early.Prebound.ReleaseUnclaimed();
            await dataPlane.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        // Before the silo's start, not after it: a name whose container runs here listens at once.
        // The silo waits for that first list (bounded): on two cores its start would slow the list down.
        var seed = LocalEngineSeed.Start(settings, dataPlane);
        if (seed is not null)
        {
            await Task.WhenAny(seed.FirstList, Task.Delay(FirstListWait, dataPlane.Time, cancellationToken)).ConfigureAwait(false);
        }
        else
        {
            early.Prebound.ReleaseUnclaimed();
        }

        return new AmbassadorRuntime(dataPlane, new AmbassadorSupervisor(settings, dataPlane, ControlPlaneHost.Build), seed, early.Prebound, relay);
    }

    /// <summary>The relay belongs to the data plane (its connections outlive the silo) and shares its bounds and instruments.</summary>
    private static RelayServer CreateRelay(AmbassadorSettings settings, DataPlaneServices dataPlane)
    {
        var factory = dataPlane.Services.GetRequiredService<ServiceProxyFactory>();
        return new RelayServer(
            settings,
            dataPlane.LocalContainers,
            dataPlane.Services.GetRequiredService<IOptions<ProxyOptions>>().Value,
            factory.Limits,
            factory.Metrics,
            dataPlane.LoggerFactory,
            dataPlane.Time);
    }

    /// <summary>
    /// The seed steers a name until its follower has a snapshot from the grain worth applying: after the
    /// first silo is up, until every name is followed (bounded: a follower takes over after at most its
    /// takeover hold anyway), or until the process stops.
    /// </summary>
    private static async Task StopSeedAsync(LocalEngineSeed seed, PreboundSockets prebound, Task started, FrontedNameRegistry names, Task stopRequested)
    {
        await Task.WhenAny(started, stopRequested).ConfigureAwait(false);
        var followed = Task.WhenAll(names.Current.Names.Select(name => name.Followed));
        await Task.WhenAny(followed, stopRequested, Task.Delay(SeedAfterSilo)).ConfigureAwait(false);
        await seed.DisposeAsync().ConfigureAwait(false);
        // Ports bound at start that no route took over (the container changed meanwhile): theirs to close.
        prebound.ReleaseUnclaimed();
    }

    /// <summary>
    /// SIGTERM: every proxy stops accepting at once and lets its open connections finish (up to <c>--drain</c>)
    /// while the control plane ends; <see cref="Completion"/> then completes.
    /// </summary>
    public void RequestStop()
    {
        _stopRequested.TrySetResult();
        Interlocked.CompareExchange(ref _drain, DrainAsync(), null);
        _supervisor.Stop();
    }

    /// <summary>The proxies and the relay drain side by side: both stop accepting at once.</summary>
    private Task DrainAsync() =>
        Task.WhenAll(DataPlane.Names.DrainAsync(CancellationToken.None), Relay?.DrainAsync() ?? Task.CompletedTask);

    /// <summary>
    /// Stops the control plane (now, or after a stop request or a fault when <paramref name="waitForRequest"/>),
    /// then closes the data plane. Returns the exit code.
    /// </summary>
    public async Task<int> StopAsync(bool waitForRequest = false)
    {
        if (!waitForRequest)
        {
            RequestStop();
        }

        var exitCode = await _run.ConfigureAwait(false);
        await DisposeAsync().ConfigureAwait(false);
        return exitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        RequestStop();
        await _run.ConfigureAwait(false);
        await _seedStopped.ConfigureAwait(false);
        await _drain!.ConfigureAwait(false);
        if (Relay is not null)
        {
            await Relay.DisposeAsync().ConfigureAwait(false);
        }

        await DataPlane.DisposeAsync().ConfigureAwait(false);
    }
}
