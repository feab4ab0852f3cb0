using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace GrandAmbassador.Grains.Tests.Endpoints;

/// <summary>Where grains are, and waiting out a silo's death, for the tests that kill silos.</summary>
internal static class GrainLocator
{
    public static async Task<SiloAddress?> LocateAsync(IClusterClient client, string name)
    {
        var statistics = await client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return statistics.FirstOrDefault(s => s.GrainId.Key.ToString() == name)?.SiloAddress;
    }

    /// <summary>A new name whose grain was activated on a silo other than <paramref name="avoid"/>.</summary>
    public static async Task<(string Name, SiloAddress Silo)> ActivateAwayFromAsync(IClusterClient client, SiloAddress avoid, string prefix)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var name = Endpoints.UniqueName(prefix);
            await client.GetGrain<IContainerEndpointGrain>(name).GetAsync();
            if (await LocateAsync(client, name) is { } silo && !silo.Equals(avoid))
            {
                return (name, silo);
            }
        }

        throw new InvalidOperationException($"Every grain landed on {avoid}, 50 times.");
    }

    /// <summary>Awaits the membership update, seen by <paramref name="witness"/>, that declares <paramref name="silo"/> dead.</summary>
    public static async Task WaitUntilDeclaredDeadAsync(SiloHandle witness, SiloAddress silo)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var membership = ((InProcessSiloHandle)witness).ServiceProvider.GetRequiredService<IClusterMembershipService>();
        await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(guard.Token))
        {
            if (snapshot.GetSiloStatus(silo) == SiloStatus.Dead)
            {
                return;
            }
        }
    }

    /// <summary>Calls to a grain whose silo just died fail until membership declares the silo dead.</summary>
    public static async Task ReportUntilAcceptedAsync(IClusterClient client, string name, ContainerEndpoint endpoint, TimeSpan lease)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                await client.GetGrain<IContainerEndpointGrain>(name).ReportAsync(endpoint, lease);
                return;
            }
            catch (Exception ex) when (ex is SiloUnavailableException or TimeoutException or OrleansMessageRejectionException && !timeout.IsCancellationRequested)
            {
                await Task.Delay(200, timeout.Token);
            }
        }
    }
}
