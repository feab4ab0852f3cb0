using System.Collections.Immutable;
using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Contracts.Grains;

/// <summary>
/// Which hosts have agents and which names their containers answer to, and which ambassadors front
/// which names on which ports: what <c>status</c> lists. One for the cluster (key <see cref="Key"/>),
/// filled by the agents and the ambassadors on a lease like the endpoints.
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

    /// <summary>What one host's ambassador fronts now; replaces its previous registration.</summary>
    [Alias("RegisterFronting"), SilosOnly]
    Task RegisterFrontingAsync(FrontingRegistration registration, TimeSpan lease);

    /// <summary>Every live ambassador's registration, by host id.</summary>
    [Alias("GetFronting")]
    Task<ImmutableArray<FrontingRegistration>> GetFrontingAsync();
}
