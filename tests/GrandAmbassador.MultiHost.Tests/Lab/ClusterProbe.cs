using GrandAmbassador.Contracts.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using StackExchange.Redis;

namespace GrandAmbassador.MultiHost.Tests.Lab;

/// <summary>
/// An Orleans client of one test's cluster, the kind <c>grand-ambassador status</c> is: it can
/// activate a name's grain (on the only silo up, to choose where it lives) and ask the cluster's
/// management grain which silo holds it.
/// </summary>
internal sealed class ClusterProbe : IAsyncDisposable
{
    // The ambassador's Orleans service id (SiloConfiguration.ServiceId).
    private const string ServiceId = "grand-ambassador";

    private readonly IHost _host;

    private ClusterProbe(IHost host) => _host = host;

    private IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    public static async Task<ClusterProbe> ConnectAsync(string clusterId)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.UseRedisClustering(options => options.ConfigurationOptions = ConfigurationOptions.Parse(MultiHostLab.Redis["redis://".Length..]));
            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = clusterId;
                options.ServiceId = ServiceId;
            });
        });
        var host = builder.Build();
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.StartAsync(guard.Token);
        return new ClusterProbe(host);
    }

    /// <summary>Whether the cluster's host directory has <paramref name="hostId"/> registered as fronting <paramref name="name"/>.</summary>
    public async Task<bool> FrontsAsync(string hostId, string name) =>
        (await Client.GetGrain<IHostDirectoryGrain>(IHostDirectoryGrain.Key).GetFrontingAsync())
            .Any(registration => registration.HostId == hostId && registration.Names.Any(fronted => fronted.Name == name));

    /// <summary>Calls <paramref name="name"/>'s grain, which activates it where the cluster places it.</summary>
    public Task ActivateAsync(string name) => Client.GetGrain<IContainerEndpointGrain>(name).GetAsync();

    /// <summary>The lab host (a, b or c) whose silo holds the activation of the grain of that type and key (a name's, by default).</summary>
    public async Task<string> HostOfGrainAsync(string key, string grainType = "ContainerEndpointGrain")
    {
        var activations = await Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        var silo = activations
            .Where(a => a.GrainType.Contains(grainType, StringComparison.Ordinal) && a.GrainId.Key.ToString() == key)
            .Select(a => a.SiloAddress)
            .Single();
        var address = silo.Endpoint.Address.ToString();
        return new[] { "a", "b", "c" }.Single(host => MultiHostLab.Address(host) == address);
    }

    public async ValueTask DisposeAsync()
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _host.StopAsync(guard.Token);
        }
        finally
        {
            _host.Dispose();
        }
    }
}
