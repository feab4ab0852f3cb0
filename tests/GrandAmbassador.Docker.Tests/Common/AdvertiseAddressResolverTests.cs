using System.Net;
using GrandAmbassador.Docker.Common;

namespace GrandAmbassador.Docker.Tests.Common;

/// <summary>The automatic --advertise choice: IPv4 first, a global IPv6 address on an IPv6-only host, and which it took.</summary>
public sealed class AdvertiseAddressResolverTests
{
    [Fact]
    public void TheAutomaticAdvertiseAddress_IsIPv4First_ThenAGlobalIPv6_AndSaysWhich()
    {
        HostInterface Nic(string name, params string[] addresses) =>
            new(name, IsUp: true, IsLoopback: false, [.. addresses.Select(address => (IPAddress.Parse(address), 64))]);

        var dual = AdvertiseAddressResolver.Choose([Nic("docker0", "172.17.0.1"), Nic("eth0", "fe80::1", "fd00::11", "10.231.0.11")]);
        Assert.Equal("10.231.0.11", dual!.Value.Address);
        Assert.StartsWith("IPv4", dual.Value.How, StringComparison.Ordinal);

        var ipv6Only = AdvertiseAddressResolver.Choose([Nic("docker0", "172.17.0.1"), Nic("eth0", "fe80::1", "fd00::11")]);
        Assert.Equal("fd00::11", ipv6Only!.Value.Address);
        Assert.StartsWith("IPv6", ipv6Only.Value.How, StringComparison.Ordinal);

        Assert.Null(AdvertiseAddressResolver.Choose([Nic("eth0", "fe80::1")]));
    }
}
