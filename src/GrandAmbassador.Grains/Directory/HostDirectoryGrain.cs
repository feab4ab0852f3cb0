using System.Collections.Immutable;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;

namespace GrandAmbassador.Grains.Directory;

/// <summary>
/// The cluster's list of agent hosts and their names. In memory on purpose, like the endpoint
/// grains: agents re-register on every reconcile, so a reactivated directory is whole again within
/// one reconcile interval, and a host that stopped registering drops out when its lease ends.
/// </summary>
internal sealed class HostDirectoryGrain(TimeProvider time) : Grain, IHostDirectoryGrain
{
    private readonly Dictionary<string, (HostRegistration Registration, DateTimeOffset ExpiresAt)> _hosts = new(StringComparer.Ordinal);

    public Task RegisterAsync(HostRegistration registration, TimeSpan lease)
    {
        ArgumentNullException.ThrowIfNull(registration);
        _hosts[registration.HostId] = (registration, time.GetUtcNow() + lease);
        return Task.CompletedTask;
    }

    public Task<ImmutableArray<HostRegistration>> GetHostsAsync()
    {
        var now = time.GetUtcNow();
        foreach (var expired in _hosts.Where(host => host.Value.ExpiresAt <= now).Select(host => host.Key).ToList())
        {
            _hosts.Remove(expired);
        }

        return Task.FromResult(_hosts.Values.Select(host => host.Registration).OrderBy(host => host.HostId, StringComparer.Ordinal).ToImmutableArray());
    }
}
