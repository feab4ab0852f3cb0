using GrandAmbassador.Configuration;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Proxy.Engine;
using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.DataPlane;

/// <summary>
/// One fronted name in the data plane, and the one owner of its routing state: its proxy (listeners,
/// open connections, routes; <see cref="ServiceProxy.State"/> publishes what it serves with a change
/// token) and what was last applied to it (<see cref="Applied"/>, what the next steerer carries on from).
/// Outlives every control-plane generation (docs/architecture.md#one-process-two-planes). Its routes change
/// only through <see cref="ApplyAsync"/>, called by one steerer at a time: the local engine's seed until a
/// follower takes over, then followers (docs/architecture.md#serving-from-the-first-second).
/// </summary>
internal sealed class FrontedName
{
    private readonly CancellationTokenSource _removed = new();

    // Who re-points the proxy: the local engine's seed until a follower takes over, then followers only.
    private readonly SemaphoreSlim _steering = new(1, 1);
    private readonly TaskCompletionSource _followed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private AppliedRoutes _applied;
    private TaskCompletionSource _appliedChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FrontedName(FrontedService service, ServiceProxy proxy, AppliedRoutes applied)
    {
        Service = service;
        Proxy = proxy;
        _applied = applied;
    }

    public string Name => Service.Name;

    public FrontedService Service { get; }

    public ServiceProxy Proxy { get; }

    /// <summary>The snapshot and plan last applied: what a follower of the next generation takes over from.</summary>
    public AppliedRoutes Applied => Volatile.Read(ref _applied);

    /// <summary>
    /// Completes once <see cref="Applied"/> has changed. The proxy's own <see cref="ProxyState.Changed"/> comes first,
    /// before <see cref="Applied"/> is updated: a reader of the plan (how each destination is reached) waits for this.
    /// </summary>
    public Task AppliedChanged => Volatile.Read(ref _appliedChanged).Task;

    /// <summary>Whether this name listens on, or claims with <c>--port</c>, <paramref name="port"/>.</summary>
    public bool Holds(ListenPort port) =>
        Proxy.State.Routes.Any(route => route.Listen == port) || (Service.HasExplicitPorts && Service.Ports.Any(mapping => mapping.Listen == port));

    /// <summary>Cancelled when the name is removed: its follower stops before the proxy closes.</summary>
    public CancellationToken Removed => _removed.Token;

    /// <summary>
    /// Re-points the proxy to <paramref name="plan"/>, built from <paramref name="snapshot"/>, and records both
    /// as what is applied. Only the steerer of the moment calls it (inside <see cref="SeedAsync"/>, or after
    /// <see cref="TakeOverAsync"/>), so applies never interleave.
    /// </summary>
    public async Task<AppliedChange> ApplyAsync(EndpointSet snapshot, RoutePlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var before = Applied;
        var failedBefore = Proxy.State.Failures;
        var failed = await Proxy.ApplyAsync(plan.Routes, cancellationToken).ConfigureAwait(false);
        var after = new AppliedRoutes(snapshot, plan);
        Volatile.Write(ref _applied, after);
        Interlocked.Exchange(ref _appliedChanged, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        return new AppliedChange(before, failedBefore, after, [.. failed]);
    }

    /// <summary>
    /// Runs <paramref name="seed"/> (an apply from the local engine's seed) unless a follower has taken
    /// over the name: from then on only the grain's snapshots steer it, so the two never interleave.
    /// </summary>
    /// <returns>Whether the seed ran.</returns>
    public async Task<bool> SeedAsync(Func<Task> seed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(seed);
        await _steering.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_followed.Task.IsCompleted || _removed.IsCancellationRequested)
            {
                return false;
            }

            await seed().ConfigureAwait(false);
            return true;
        }
        finally
        {
            _steering.Release();
        }
    }

    /// <summary>
    /// A follower starts: waits for a seed apply in flight, and stops every later one. Returns what
    /// was applied so far, which the follower carries on from.
    /// </summary>
    public async Task<AppliedRoutes> TakeOverAsync(CancellationToken cancellationToken)
    {
        await _steering.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _followed.TrySetResult();
            return Applied;
        }
        finally
        {
            _steering.Release();
        }
    }

    /// <summary>Completes once a follower has taken the name over (see <see cref="TakeOverAsync"/>).</summary>
    public Task Followed => _followed.Task;

    // Not disposed: followers may still read the token after the name was removed.
    internal void MarkRemoved() => _removed.Cancel();
}
