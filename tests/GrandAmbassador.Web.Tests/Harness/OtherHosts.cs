using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;
using GrandAmbassador.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GrandAmbassador.Web.Tests.Harness;

/// <summary>
/// Containers of other hosts, reported into a single-host ambassador's own cluster as their hosts' agents would report
/// them: its routes then reach them across (a published port, a host's relay), at an address of this machine that is
/// not loopback (a relay or published port on loopback is never dialled) and where nothing listens, so that a
/// relay's dial is refused at once.
/// </summary>
internal static class OtherHosts
{
    /// <summary>A non-loopback IPv4 address of this machine (the Docker bridge's at least).</summary>
    public static IPAddress Address { get; } = NetworkInterface.GetAllNetworkInterfaces()
        .Where(nic => nic.OperationalStatus != OperationalStatus.Down && nic.NetworkInterfaceType != NetworkInterfaceType.Loopback)
        .SelectMany(nic => nic.GetIPProperties().UnicastAddresses)
        .Select(unicast => unicast.Address)
        .First(address => address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(address));

    /// <summary>A container on <paramref name="hostId"/> that publishes nothing, whose host runs a relay on <paramref name="relayPort"/>.</summary>
    public static ContainerEndpoint Relayed(string hostId, string container, string name, int port, int relayPort) =>
        Endpoint(hostId, container, name, new ExposedPort(port, PortProtocol.Tcp, [])) with { RelayPort = relayPort };

    /// <summary>A container on <paramref name="hostId"/> that publishes <paramref name="port"/> on <paramref name="hostPort"/>.</summary>
    public static ContainerEndpoint Published(string hostId, string container, string name, int port, int hostPort) =>
        Endpoint(hostId, container, name, new ExposedPort(port, PortProtocol.Tcp, [new PublishedPort("0.0.0.0", hostPort)]));

    /// <summary>Reports <paramref name="endpoint"/> to its name's grain from inside the ambassador's silo, as an agent does.</summary>
    public static Task ReportAsync(this WebAmbassador ambassador, ContainerEndpoint endpoint) =>
        ambassador.Services.GetRequiredService<IGrainFactory>()
            .GetGrain<IContainerEndpointGrain>(endpoint.ServiceNames[0])
            .ReportAsync(endpoint, TimeSpan.FromMinutes(5));

    /// <summary>A port of this machine's <see cref="Address"/> nothing listens on.</summary>
    public static int DeadPort() => FreePort.Next();

    private static ContainerEndpoint Endpoint(string hostId, string container, string name, ExposedPort port) =>
        new(hostId, $"{container}0123456789abcdef", container, [name], [new NetworkAddress("bridge", "172.31.0.2", 16, "172.31.0.1")], [port],
            ContainerHealth.None, Running: true, DateTimeOffset.UtcNow, AdvertiseAddress: Address.ToString(), HostNetwork: false);
}
