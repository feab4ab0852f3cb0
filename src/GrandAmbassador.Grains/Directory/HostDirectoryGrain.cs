using System.Collections.Immutable;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;
using GrandAmbassador.Grains.Membership;

namespace GrandAmbassador.Grains.Directory;

/// <summary>
/// The cluster's list of agent hosts and their names, and of ambassadors and the names they front. In
/// memory on purpose, like the endpoint grains: agents re-register well within their lease and
/// ambassadors at every membership change (which is what moves this grain), so a reactivated directory
/// is whole again soon, and a host that stopped registering drops out when its lease ends. An
/// ambassador's lease is long (it renews rarely), so one whose silo the cluster declared dead is left
/// out of the fronting list at once rather than a lease later.
/// </summary>
internal sealed class HostDirectoryGrain(TimeProvider time, IClusterMembershipService membership) : Grain, IHostDirectoryGrain
{
    /// <summary>
    /// How long a new directory waits before it claims to know every host. Not a lease: agents renew theirs only every
    /// minute now, but every agent registers at its start and at once when membership changes, and a membership change
    /// (its silo died) or the cluster's start is what brings a new directory. 30 s leaves a slow agent room.
    /// </summary>
    private static readonly TimeSpan RegistrationWindow = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, (HostRegistration Registration, DateTimeOffset ExpiresAt)> _hosts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (FrontingRegistration Registration, DateTimeOffset ExpiresAt)> _fronting = new(StringComparer.Ordinal);
    private readonly DateTimeOffset _activatedAt = time.GetUtcNow();

    public Task RegisterAsync(HostRegistration registration, TimeSpan lease)
    {
        ArgumentNullException.ThrowIfNull(registration);
        _hosts[registration.HostId] = (registration, time.GetUtcNow() + lease);
        return Task.CompletedTask;
    }

    public Task<ImmutableArray<HostRegistration>> GetHostsAsync() =>
        Task.FromResult(Live().OrderBy(host => host.HostId, StringComparer.Ordinal).ToImmutableArray());

    public Task RegisterFrontingAsync(FrontingRegistration registration, TimeSpan lease)
    {
        ArgumentNullException.ThrowIfNull(registration);
        _fronting[registration.HostId] = (registration, time.GetUtcNow() + lease);
        return Task.CompletedTask;
    }

    public Task<ImmutableArray<FrontingRegistration>> GetFrontingAsync() =>
        Task.FromResult(Live(_fronting)
            .Where(host => host.Names.Length > 0 && !DeadHosts.IsDead(membership.CurrentSnapshot, host.HostId))
            .OrderBy(host => host.HostId, StringComparer.Ordinal)
            .ToImmutableArray());

    public Task<ImmutableArray<string>?> GetHostsWithNameAsync(string name)
    {
        // Before every live agent has had time to register with this activation, one may be missing.
        ImmutableArray<string>? hosts = time.GetUtcNow() - _activatedAt < RegistrationWindow
            ? null
            : Live().Where(host => host.Names.Items.Contains(name, StringComparer.Ordinal)).Select(host => host.HostId).ToImmutableArray();
        return Task.FromResult(hosts);
    }

    private IEnumerable<HostRegistration> Live() => Live(_hosts);

    private IEnumerable<T> Live<T>(Dictionary<string, (T Registration, DateTimeOffset ExpiresAt)> leased)
    {
        var now = time.GetUtcNow();
        foreach (var expired in leased.Where(entry => entry.Value.ExpiresAt <= now).Select(entry => entry.Key).ToList())
        {
            leased.Remove(expired);
        }

        return leased.Values.Select(entry => entry.Registration);
    }
}
