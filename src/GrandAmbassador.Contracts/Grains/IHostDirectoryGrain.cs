using System.Collections.Immutable;
using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Contracts.Grains;

/// <summary>
/// Which hosts have agents and which names their containers answer to: what <c>status</c> lists.
/// One for the cluster (key <see cref="Key"/>), filled by the agents on a lease like the endpoints.
/// </summary>
[Alias("ga.IHostDirectoryGrain")]
public interface IHostDirectoryGrain : IGrainWithStringKey
{
    const string Key = "cluster";

    [Alias("Register")]
    Task RegisterAsync(HostRegistration registration, TimeSpan lease);

    [Alias("GetHosts")]
    Task<ImmutableArray<HostRegistration>> GetHostsAsync();
}
