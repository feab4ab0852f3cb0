using GrandAmbassador.Ambassador;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Testing;

namespace GrandAmbassador.Host.Tests.Ambassador;

/// <summary>The allow-list from containers' <c>grand-ambassador.allow</c> labels.</summary>
public sealed class LabelAccessTests
{
    [Fact]
    public void NoLabel_IsOpen()
    {
        var access = new LabelAccess("web", new RecordingLogger<LabelAccess>());
        Assert.True(access.From(Set(Container("a", null))).IsOpen);
    }

    [Fact]
    public void Labels_AreUnited_AndAContainerWithoutOne_DoesNotOpenTheName()
    {
        var access = new LabelAccess("web", new RecordingLogger<LabelAccess>());
        var policy = access.From(Set(Container("a", "10.0.0.0/8, fd00::/64"), Container("b", "192.168.1.0/24,10.0.0.0/8"), Container("c", null)));
        Assert.Equal(["10.0.0.0/8", "fd00::/64", "192.168.1.0/24"], policy.Allow.Select(network => network.ToString()));
    }

    [Fact]
    public void ABadNetwork_IsLoggedOnce_AndLeftOut_AndAllBadAllowsNobody()
    {
        var logger = new RecordingLogger<LabelAccess>();
        var access = new LabelAccess("web", logger);
        var some = access.From(Set(Container("a", "10.0.0.0/8,10.1.2.3/8")));
        access.From(Set(Container("a", "10.0.0.0/8,10.1.2.3/8")));
        var none = access.From(Set(Container("a", "nonsense")));

        Assert.Equal(["10.0.0.0/8"], some.Allow.Select(network => network.ToString()));
        Assert.Equal(2, logger.Entries.Count(entry => entry.Id.Id == 3019));
        Assert.False(none.IsOpen);
        Assert.False(none.Allows(System.Net.IPAddress.Loopback));
    }

    [Fact]
    public void BetweenRuns_TheLastPolicyStays()
    {
        var access = new LabelAccess("web", new RecordingLogger<LabelAccess>());
        access.From(Set(Container("a", "10.0.0.0/8")));
        Assert.Equal("allow 10.0.0.0/8", access.From(Set()).Describe());
    }

    private static EndpointSet Set(params ContainerEndpoint[] endpoints) => new("web", 1, [.. endpoints]);

    private static ContainerEndpoint Container(string id, string? allow) =>
        new("host-c", id, id, ["web"], [], [], ContainerHealth.None, Running: true, DateTimeOffset.UnixEpoch, null, HostNetwork: false, Allow: allow);
}
