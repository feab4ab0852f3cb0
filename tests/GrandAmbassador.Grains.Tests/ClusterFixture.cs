using GrandAmbassador.Grains.Hosting;
using Orleans.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace GrandAmbassador.Grains.Tests;

/// <summary>
/// Real in-process silos sharing one fake clock, so leases expire when a test says so. Shared
/// (<see cref="ClusterCollection"/>) by the tests that kill nothing; a test that kills a silo
/// starts its own with <see cref="StartAsync"/>, so one failure cannot cascade into the others.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime, IAsyncDisposable
{
    private readonly int _silos;
    private readonly Func<string, TimeProvider?>? _clockOf;

    public ClusterFixture()
        : this(3, null)
    {
    }

    private ClusterFixture(int silos, Func<string, TimeProvider?>? clockOf)
    {
        _silos = silos;
        _clockOf = clockOf;
    }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    /// <summary>A cluster of its own for one test; <paramref name="clockOf"/> may give a silo (by name) another clock than <see cref="Time"/>.</summary>
    public static async Task<ClusterFixture> StartAsync(int silos, Func<string, TimeProvider?>? clockOf = null)
    {
        var fixture = new ClusterFixture(silos, clockOf);
        await fixture.InitializeAsync();
        return fixture;
    }

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder((short)_silos);
        builder.ConfigureSiloHost((silo, host) =>
        {
            host.Services.AddSingleton(_clockOf?.Invoke(silo.SiloName) ?? Time);
            host.Services.Configure<ClusterMembershipOptions>(FastFailureDetection.Apply);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());
}
