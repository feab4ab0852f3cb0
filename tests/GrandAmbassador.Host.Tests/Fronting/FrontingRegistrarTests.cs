using GrandAmbassador.Host.Tests.Ambassador;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using GrandAmbassador.Ambassador;
using GrandAmbassador.Cluster;
using GrandAmbassador.CommandLine;
using GrandAmbassador.Configuration;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.DataPlane;
using GrandAmbassador.Docker.Inspection;
using GrandAmbassador.Fronting;
using GrandAmbassador.Host.Tests.Fakes;
using GrandAmbassador.Proxy.Routing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace GrandAmbassador.Host.Tests.Fronting;

/// <summary>
/// The registrar tells the host directory what this ambassador listens on as soon as a proxy opens a
/// listener, from the proxy's own published state: the clock never moves here, so a registrar that
/// polled on a timer would never say it.
/// </summary>
public sealed class FrontingRegistrarTests : IAsyncLifetime
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    private readonly DataPlaneServices _dataPlane = DataPlaneServices.Create(
        AmbassadorCommandLine.ParseSettings("--listen", "127.0.0.1"), (_, _) => { });

    private readonly FakeGrainFactory _grains = new();
    private readonly Channel<FrontingRegistration> _registered = Channel.CreateUnbounded<FrontingRegistration>();

    public Task InitializeAsync()
    {
        _grains.OnCall = call =>
        {
            if (call.Argument is FrontingRegistration registration)
            {
                _registered.Writer.TryWrite(registration);
            }

            return Task.CompletedTask;
        };
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _dataPlane.DisposeAsync();

    [Fact]
    public async Task AListenerOpened_IsRegisteredAtOnce_WithoutWaitingForATimer()
    {
        var web = await _dataPlane.Names.AddAsync(new FrontedService("web", []), CancellationToken.None);
        var registrar = new FrontingRegistrar(
            _dataPlane.Names, _grains, new HostIdentity("host-c", "127.0.0.1", AdvertiseGiven: true), new ControlPlaneGeneration(1), _dataPlane.RelayHealth, new ClusterChanges(), new FakeTimeProvider(), NullLogger<FrontingRegistrar>.Instance);
        await registrar.StartAsync(CancellationToken.None);
        try
        {
            var first = await NextRegistrationAsync();
            Assert.Equal(["web"], first.Names.Select(name => name.Name));
            Assert.Empty(first.Names[0].Listeners);

            var port = FreeTcpPort();
            var listen = new ListenPort(port, TransportProtocol.Tcp);
            var plan = new RoutePlan(new ServiceRoutes("web", [new PortRoute(listen, [])], []), [], [], [], [], []);
            await web.ApplyAsync(new EndpointSet("web", 1, [], Guid.NewGuid(), [], Complete: true), plan, CancellationToken.None);

            var next = await NextRegistrationAsync();
            Assert.Equal([new FrontedListener(port, PortProtocol.Tcp)], next.Names[0].Listeners);
        }
        finally
        {
            await registrar.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task HowItReachesEachDestination_IsRegisteredWithTheRoutes_AndARelayStartingToFailSoonAfter()
    {
        var port = FreeTcpPort();
        var redis = await _dataPlane.Names.AddAsync(new FrontedService("redis", [new PortMapping("redis", port, 6379, PortProtocol.Tcp)]), CancellationToken.None);
        var clock = new TimerWatchingClock();
        clock.SetUtcNow(new DateTimeOffset(2026, 12, 7, 14, 2, 11, TimeSpan.Zero));
        var registrar = new FrontingRegistrar(
            _dataPlane.Names, _grains, new HostIdentity("host-c", "127.0.0.1", AdvertiseGiven: true), new ControlPlaneGeneration(1), _dataPlane.RelayHealth, new ClusterChanges(), clock, NullLogger<FrontingRegistrar>.Instance);
        await registrar.StartAsync(CancellationToken.None);
        try
        {
            var snapshot = Status.DestinationReachTests.Snapshot(Status.DestinationReachTests.Relayed);
            var plan = RouteBuilder.Build(redis.Service, snapshot, new RouteContext("host-c", LocalNetworks.Of()), previous: null);
            await redis.ApplyAsync(snapshot, plan, CancellationToken.None);

            var routed = await RegistrationAsync(registration => registration.Names[0].Reached.Length > 0);
            Assert.Equal("relay through host host-b (10.231.0.12:11112)", Assert.Single(routed.Names[0].Reached).ToString());

            _dataPlane.RelayHealth.Failed(new IPEndPoint(IPAddress.Parse("10.231.0.12"), 11112), "connection refused");
            // Registered after the relay pace (a second of the registrar's clock, moved on here).
            var failing = await RegistrationAsync(registration => registration.Names[0].Reached.Any(reach => reach.Unreachable), clock);
            // The relay health is the data plane's, on its own (real) clock.
            Assert.Matches(
                @"^relay through host host-b \(10\.231\.0\.12:11112\), unreachable since \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ: connection refused$",
                Assert.Single(failing.Names[0].Reached).ToString());
        }
        finally
        {
            await registrar.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task AtRest_ItRegistersAgainOnlyAtItsRareRenewal()
    {
        await _dataPlane.Names.AddAsync(new FrontedService("web", []), CancellationToken.None);
        var clock = new TimerWatchingClock();
        var start = clock.GetUtcNow();
        var registrar = Registrar(clock, new ClusterChanges());
        await registrar.StartAsync(CancellationToken.None);
        try
        {
            var first = await NextRegistrationAsync();
            Assert.Equal(start, first.RegisteredAt);

            // Nothing changes: the one timer it sets is its renewal, and nothing is registered before it.
            Assert.Equal(TimeSpan.FromMinutes(2), FrontingRegistrar.Renewal);
            Assert.Equal(FrontingRegistrar.Renewal, await clock.NextTimerAsync(_ => true, Hang));
            clock.Advance(FrontingRegistrar.Renewal - TimeSpan.FromSeconds(1));
            clock.Advance(TimeSpan.FromSeconds(1));

            var renewed = await NextRegistrationAsync();
            Assert.Equal(start + FrontingRegistrar.Renewal, renewed.RegisteredAt);
            Assert.Equal(first.Names, renewed.Names);
            Assert.Equal(TimeSpan.FromMinutes(6), FrontingRegistrar.Lease); // three renewals
        }
        finally
        {
            await registrar.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task AMembershipChange_RegistersAgainAtOnce_TheDirectoryMayHaveComeBackEmpty()
    {
        await _dataPlane.Names.AddAsync(new FrontedService("web", []), CancellationToken.None);
        var clock = new TimerWatchingClock();
        var changes = new ClusterChanges();
        var registrar = Registrar(clock, changes);
        await registrar.StartAsync(CancellationToken.None);
        try
        {
            var first = await NextRegistrationAsync();
            _ = await clock.NextTimerAsync(due => due == FrontingRegistrar.Renewal, Hang); // at rest, waiting to renew

            changes.Signal();

            // After a short settling pause, not at the renewal.
            clock.Advance(await clock.NextTimerAsync(due => due < TimeSpan.FromSeconds(1), Hang));
            var again = await NextRegistrationAsync();
            Assert.Equal(first.Names, again.Names);
            Assert.True(again.RegisteredAt - first.RegisteredAt < TimeSpan.FromSeconds(1));
        }
        finally
        {
            await registrar.StopAsync(CancellationToken.None);
        }
    }

    private FrontingRegistrar Registrar(TimeProvider clock, ClusterChanges changes) =>
        new(_dataPlane.Names, _grains, new HostIdentity("host-c", "127.0.0.1", AdvertiseGiven: true), new ControlPlaneGeneration(1), _dataPlane.RelayHealth, changes, clock, NullLogger<FrontingRegistrar>.Instance);

    /// <summary>The first registration that <paramref name="wanted"/> holds for; moves <paramref name="clock"/> on meanwhile, if given.</summary>
    private async Task<FrontingRegistration> RegistrationAsync(Func<FrontingRegistration, bool> wanted, TimerWatchingClock? clock = null)
    {
        using var hang = new CancellationTokenSource(Hang);
        while (true)
        {
            var next = _registered.Reader.ReadAsync(hang.Token).AsTask();
            while (clock is not null && !next.IsCompleted)
            {
                // The clock moves exactly as far as the registrar's next timer, once it has set one.
                var timer = clock.NextTimerAsync(_ => true, Hang);
                if (await Task.WhenAny(next, timer) == timer)
                {
                    clock.Advance(await timer);
                }
            }

            if (wanted(await next))
            {
                return await next;
            }
        }
    }

    private async Task<FrontingRegistration> NextRegistrationAsync() =>
        await _registered.Reader.ReadAsync().AsTask().WaitAsync(Hang);

    private static int FreeTcpPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
