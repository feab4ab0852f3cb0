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

    [Alias("Register"), SilosOnly]
    Task RegisterAsync(HostRegistration registration, TimeSpan lease);

    [Alias("GetHosts")]
    Task<ImmutableArray<HostRegistration>> GetHostsAsync();

    /// <summary>
    /// The hosts whose containers answer to <paramref name="name"/>; <c>null</c> while the directory
    /// itself is too new to know (it was activated less than a lease ago and may not have heard
    /// from every host yet).
    /// </summary>
    [Alias("GetHostsWithName")]
    Task<ImmutableArray<string>?> GetHostsWithNameAsync(string name);
}
