using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
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
            _dataPlane.Names, _grains, new HostIdentity("host-c", "127.0.0.1", AdvertiseGiven: true), new ControlPlaneGeneration(1), new FakeTimeProvider(), NullLogger<FrontingRegistrar>.Instance);
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

    private async Task<FrontingRegistration> NextRegistrationAsync() =>
        await _registered.Reader.ReadAsync().AsTask().WaitAsync(Hang);

    private static int FreeTcpPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
