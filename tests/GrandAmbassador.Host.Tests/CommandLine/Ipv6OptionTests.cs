using System.Net;
using GrandAmbassador.CommandLine;
using GrandAmbassador.Configuration;
using GrandAmbassador.Security;
using GrandAmbassador.Status;

namespace GrandAmbassador.Host.Tests.CommandLine;

/// <summary>IPv6 literals wherever an option takes an address, and IPv6 addresses shown as people write them.</summary>
public sealed class Ipv6OptionTests
{
    [Theory]
    [InlineData("::1", "::1")]
    [InlineData("[::1]", "::1")]
    [InlineData("::", "::")]
    [InlineData("fd00::1", "fd00::1")]
    [InlineData("127.0.0.1", "127.0.0.1")]
    public void Listen_TakesIPv6_WithOrWithoutBrackets(string text, string expected)
    {
        var settings = AmbassadorCommandLine.ParseSettings("--name", "web", "--listen", text);
        Assert.Equal(IPAddress.Parse(expected), settings.ListenAddress);
    }

    [Theory]
    [InlineData("fd00::5", "fd00::5")]
    [InlineData("[fd00::5]", "fd00::5")]
    [InlineData("FD00:0:0::5", "fd00::5")]
    public void Advertise_TakesIPv6(string text, string expected)
    {
        var settings = AmbassadorCommandLine.ParseSettings("--name", "web", "--advertise", text);
        Assert.Equal(expected, settings.Host.AdvertiseAddress);
        Assert.True(settings.Host.AdvertiseGiven);
    }

    [Fact]
    public void Http_TakesABracketedIPv6Address()
    {
        var settings = AmbassadorCommandLine.ParseSettings("--name", "web", "--http", "[::1]:8787");
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 8787), settings.Http.Endpoint);
    }

    [Fact]
    public void ARedisUrl_WithAnIPv6Host_ReachesRedisAtThatAddress()
    {
        var settings = AmbassadorCommandLine.ParseSettings("--name", "web", "--cluster", "redis://:pw@[fd00::1]:6390/1");
        var redis = RedisClusterUri.ToConfigurationOptions(settings.Cluster!);

        Assert.Equal(new IPEndPoint(IPAddress.Parse("fd00::1"), 6390), Assert.Single(redis.EndPoints));
        Assert.Equal("redis://[fd00::1]:6390", RedisClusterUri.Display(settings.Cluster!));
    }

    [Theory]
    [InlineData("--listen", "[::1")]
    [InlineData("--listen", "10.1")]
    [InlineData("--listen", "fd00::1::2")]
    [InlineData("--advertise", "fd00::g")]
    [InlineData("--http", "::1")]
    public void BadAddresses_AreStartupErrors(string option, string value) =>
        Assert.ThrowsAny<InvalidSettingException>(() => AmbassadorCommandLine.ParseSettings("--name", "web", option, value));

    [Theory]
    [InlineData("10.0.0.5", 80, "10.0.0.5:80")]
    [InlineData("fd00::5", 80, "[fd00::5]:80")]
    [InlineData("[fd00::5]", 80, "[fd00::5]:80")]
    public void AddressesWithPorts_AreBracketedWhenIPv6(string host, int port, string expected) =>
        Assert.Equal(expected, HostPort.Join(host, port));
}
