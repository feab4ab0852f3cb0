using System.Collections.Immutable;
using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Grains.Tests.Endpoints;

/// <summary>Builds endpoints as an agent would report them.</summary>
internal static class Endpoints
{
    public static ContainerEndpoint Running(string name, string hostId, string containerId, string address = "172.17.0.2") =>
        new(
            HostId: hostId,
            ContainerId: containerId,
            ContainerName: name,
            ServiceNames: [name],
            Addresses: [new NetworkAddress("bridge", address, 16, "172.17.0.1")],
            Ports: [new ExposedPort(6379, PortProtocol.Tcp, ImmutableArray<PublishedPort>.Empty)],
            Health: ContainerHealth.None,
            Running: true,
            StartedAt: DateTimeOffset.UtcNow,
            AdvertiseAddress: "10.0.0.1",
            HostNetwork: false);

    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}
