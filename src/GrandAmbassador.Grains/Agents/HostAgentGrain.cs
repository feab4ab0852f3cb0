using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Grains.Agents;

/// <summary>
/// Where one host's agent can be reached: its silo registers the agent as an observer (renewed on a
/// timer and at membership changes, since observers are not durable), and a drain is passed on to it.
/// It also holds the host's lease (docs/architecture.md#one-lease-per-host): the agent's heartbeat, and the one place
/// that notices when it stops. The drain marks live in the agent, which reports them in its own sequence.
/// Placed on the silo that first calls it, which is the host's own (its agent registers at start): a grain that
/// only reaches one host's agent should fail with that host, not with whichever silo the cluster picked. Placed
/// on another host, a drain of host a was refused while an unrelated host b was cut off, until b was declared dead.
/// </summary>
[Orleans.Placement.PreferLocalPlacement]
internal sealed class HostAgentGrain(TimeProvider time, ILogger<HostAgentGrain> logger) : Grain, IHostAgentGrain
{
    /// <summary>A name's grain answers in milliseconds; one on a silo that just died would hold the lapse for Orleans' 30 s.</summary>
    private static readonly TimeSpan NameTimeout = TimeSpan.FromSeconds(5);

    /// <summary>A healthy agent answers in milliseconds; one on a silo that just died would hold the caller for Orleans' 30 s.</summary>
    private static readonly TimeSpan AgentTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a drain waits for a new activation to learn its agent: the agent registers at every membership
    /// change and every minute (its heartbeat keeps this grain active meanwhile), and a membership change is what moves this grain (its silo died, or the
    /// directory entry did). Without the wait a drain issued then is refused for a host that is fine.
    /// </summary>
    private static readonly TimeSpan RegistrationWait = TimeSpan.FromSeconds(10);

    private readonly TaskCompletionSource<IAgentControl> _registered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HostLeaseClock _lease = new(time);
    private IAgentControl? _agent;
    private HostLease? _lastLease;

    private string HostId => this.GetPrimaryKeyString();

    public Task RegisterAgentAsync(IAgentControl agent)
    {
        _agent = agent;
        _registered.TrySetResult(agent);
        return Task.CompletedTask;
    }

    public async Task RenewLeaseAsync(HostLease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        _lastLease = lease;
        if (_lease.Renew(lease.Duration, LapsedAsync))
        {
            HostAgentGrainLog.LeaseRenewed(logger, HostId);
            await TellNamesAsync(lease.Names, fresh: true).ConfigureAwait(true);
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _lease.Dispose();
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    private Task LapsedAsync()
    {
        var lease = _lastLease!;
        HostAgentGrainLog.LeaseLapsed(logger, HostId, lease.Duration.TotalSeconds, lease.Names.Length);
        return TellNamesAsync(lease.Names, fresh: false);
    }

    /// <summary>Tells every name's grain at once; one that cannot be reached is logged (a moved grain hears from the agent's next report).</summary>
    private Task TellNamesAsync(EquatableArray<string> names, bool fresh) =>
        Task.WhenAll(names.Select(async name =>
        {
            try
            {
                await GrainFactory.GetGrain<IContainerEndpointGrain>(name).HostLeaseAsync(HostId, fresh).WaitAsync(NameTimeout, time).ConfigureAwait(true);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                HostAgentGrainLog.LeaseNotDelivered(logger, name, HostId, fresh ? "renewed" : "lapsed", exception.Message.Split('\n')[0]);
            }
        }));

    public async Task<DrainMark> SetDrainedAsync(string container, bool drained)
    {
        if (await AgentAsync().ConfigureAwait(true) is not { } agent)
        {
            return DrainMark.Refused($"no agent of host {HostId} is registered (wrong --host, or its ambassador runs with --no-agent or is not in this cluster)");
        }

        try
        {
            return await agent.SetDrainedAsync(container, drained).WaitAsync(AgentTimeout, time).ConfigureAwait(true);
        }
        catch (TimeoutException)
        {
            return DrainMark.Refused($"the agent of host {HostId} did not answer within {AgentTimeout.TotalSeconds:F0} s");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return DrainMark.Refused($"the agent of host {HostId} cannot be reached: {exception.Message.Split('\n')[0]}");
        }
    }

    /// <summary>The registered agent, or the first to register within <see cref="RegistrationWait"/>; null when none does.</summary>
    private async Task<IAgentControl?> AgentAsync()
    {
        if (_agent is { } agent)
        {
            return agent;
        }

        try
        {
            return await _registered.Task.WaitAsync(RegistrationWait, time).ConfigureAwait(true);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }
}
