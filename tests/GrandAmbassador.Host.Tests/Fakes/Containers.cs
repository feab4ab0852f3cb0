using System.Collections.Immutable;
using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Host.Tests.Fakes;

/// <summary>Container endpoints as an agent on host "host-a" would report them.</summary>
internal static class Containers
{
    public const string HostId = "host-a";

    public static ContainerEndpoint Running(string containerId, long sequence, params string[] names) =>
        new(HostId, containerId, containerId, ImmutableArray.Create(names), ImmutableArray<NetworkAddress>.Empty, ImmutableArray<ExposedPort>.Empty,
            ContainerHealth.None, Running: true, StartedAt: DateTimeOffset.UnixEpoch, AdvertiseAddress: null, HostNetwork: false, Sequence: sequence);
}
