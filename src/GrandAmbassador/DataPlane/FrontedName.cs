using GrandAmbassador.Configuration;
using GrandAmbassador.Proxy.Engine;
using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.DataPlane;

/// <summary>
/// One fronted name in the data plane: its proxy (listeners, open connections, routes) and what was
/// last applied to it. Outlives every control-plane generation: a follower of the next generation
/// takes over the same proxy and picks up from <see cref="Applied"/>.
/// </summary>
internal sealed class FrontedName
{
    private readonly CancellationTokenSource _removed = new();

    // Who re-points the proxy: the local engine's seed until a follower takes over, then followers only.
    private readonly SemaphoreSlim _steering = new(1, 1);
    private readonly TaskCompletionSource _followed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FrontedName(FrontedService service, ServiceProxy proxy, AppliedRoutes applied)
    {
        Service = service;
        Proxy = proxy;
        Applied = applied;
    }

    public string Name => Service.Name;

    public FrontedService Service { get; }

    public ServiceProxy Proxy { get; }

    /// <summary>What the proxy serves now. Written by one follower at a time (generations never overlap).</summary>
    public AppliedRoutes Applied { get; set; }

    /// <summary>The ports the last apply could not bind (taken by another process), with the reason; empty when all listen.</summary>
    public IReadOnlyList<ListenFailure> ListenFailures { get; set; } = [];

    /// <summary>Whether this name listens on, or claims with <c>--port</c>, <paramref name="port"/>.</summary>
    public bool Holds(ListenPort port) =>
        Applied.Ports.Contains(port) || (Service.HasExplicitPorts && Service.Ports.Any(mapping => mapping.Listen == port));

    /// <summary>Cancelled when the name is removed: its follower stops before the proxy closes.</summary>
    public CancellationToken Removed => _removed.Token;

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
