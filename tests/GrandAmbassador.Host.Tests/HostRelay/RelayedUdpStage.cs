using System.Collections.Immutable;
using System.Net;
using GrandAmbassador.CommandLine;
using GrandAmbassador.Configuration;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Docker.Inspection;
using GrandAmbassador.Docker.Watching;
using GrandAmbassador.HostRelay;
using GrandAmbassador.Proxy.Engine;
using GrandAmbassador.Proxy.HostRelay.Mux;
using GrandAmbassador.Proxy.Hosting;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Udp;
using GrandAmbassador.Security;
using GrandAmbassador.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GrandAmbassador.Host.Tests.HostRelay;

/// <summary>
/// Host a's relay and host c's ambassador in one process on loopback: a real <see cref="RelayServer"/> whose agent's view
/// reports one container (on the host's network, so that the relay dials it at 127.0.0.1) exposing a port, and a proxy
/// whose UDP port's one destination is that container behind the relay: plaintext (<c>--relay-insecure</c>, a TCP
/// connection per session) or the cluster's mutual TLS (a stream per session on one multiplexed link).
/// </summary>
internal sealed class RelayedUdpStage : IAsyncDisposable
{
    public const string HostA = "host-a";
    public const string Name = "echo";
    public const string Container = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";

    private readonly ServiceProxyFactory _hostA;
    private readonly ServiceProxyFactory _hostC;
    private readonly RelayLinks? _links;

    private RelayedUdpStage(ServiceProxyFactory hostA, RelayServer relay, ServiceProxyFactory hostC, RelayLinks? links, ServiceProxy ambassador, ListenPort port)
    {
        _hostA = hostA;
        _links = links;
        Relay = relay;
        _hostC = hostC;
        Ambassador = ambassador;
        Port = port;
    }

    public RelayServer Relay { get; }

    public ServiceProxy Ambassador { get; }

    /// <summary>The ambassador's UDP port on 127.0.0.1.</summary>
    public ListenPort Port { get; }

    public UdpPortListener Listener => Assert.IsType<UdpPortListener>(Ambassador.GetListener(Port));

    /// <param name="containerPort">The container's port: the relay dials 127.0.0.1 at it.</param>
    /// <param name="tls">The cluster's mutual TLS on the relay's link; plaintext otherwise.</param>
    /// <param name="reported">The protocol the agent reports the container's port with.</param>
    /// <param name="ambassadorTime">The ambassador's clock (its sessions' idleness).</param>
    public static async Task<RelayedUdpStage> StartAsync(
        int containerPort, bool tls, PortProtocol reported = PortProtocol.Udp, TimeProvider? ambassadorTime = null, Action<ProxyOptions>? ambassadorOptions = null)
    {
        var identity = tls ? RelayTlsIdentity.Create() : null;
        var relayPort = FreePort.Next();
        var settings = AmbassadorCommandLine.ParseSettings("--name", Name) with
        {
            Host = new HostIdentity(HostA, "127.0.0.1"),
            Relay = new RelaySettings(relayPort, Insecure: !tls),
            Security = new SecuritySettings(identity, null, ClusterListenAny: false),
        };
        var view = new LocalContainerView();
        var known = new KnownContainers();
        known.Reported(new ContainerEndpoint(
            HostA, Container, Name, ImmutableArray.Create(Name), ImmutableArray<NetworkAddress>.Empty,
            ImmutableArray.Create(new ExposedPort(containerPort, reported, ImmutableArray<PublishedPort>.Empty)),
            ContainerHealth.None, Running: true, StartedAt: DateTimeOffset.UnixEpoch, AdvertiseAddress: "127.0.0.1", HostNetwork: true, RelayPort: relayPort));
        view.Attach(known);

        var hostA = Factory(new ProxyOptions(), TimeProvider.System);
        var relay = new RelayServer(settings, view, new ProxyOptions(), hostA.Limits, hostA.Metrics, NullLoggerFactory.Instance, TimeProvider.System);
        relay.Start();

        var options = new ProxyOptions { RelayLinks = identity is null ? null : new RelayLinks(new RelayTls(identity, TimeProvider.System).Client, TimeSpan.FromSeconds(3)) };
        ambassadorOptions?.Invoke(options);
        var hostC = Factory(options, ambassadorTime ?? TimeProvider.System);
        var ambassador = hostC.Create(Name);
        var port = new ListenPort(FreePort.Next(), TransportProtocol.Udp);
        var destination = new Destination(
            $"{HostA}/{Container}", [new IPEndPoint(IPAddress.Loopback, relayPort)], Relay: new RelayHop(HostA, Name, Container, containerPort));
        var failures = await ambassador.ApplyAsync(new ServiceRoutes(Name, [new PortRoute(port, [destination])], []), CancellationToken.None);
        Assert.Empty(failures);
        return new RelayedUdpStage(hostA, relay, hostC, options.RelayLinks, ambassador, port);
    }

    public async ValueTask DisposeAsync()
    {
        await Ambassador.DisposeAsync();
        if (_links is not null)
        {
            await _links.DisposeAsync();
        }

        await Relay.DisposeAsync();
        _hostC.Dispose();
        _hostA.Dispose();
    }

    private static ServiceProxyFactory Factory(ProxyOptions options, TimeProvider time)
    {
        options.ListenAddress = IPAddress.Loopback;
        return new ServiceProxyFactory(Options.Create(options), NullLoggerFactory.Instance, time);
    }
}
