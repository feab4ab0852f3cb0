using GrandAmbassador.CommandLine;
using GrandAmbassador.Configuration;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.DataPlane;
using GrandAmbassador.Proxy.Engine;
using GrandAmbassador.Security;

namespace GrandAmbassador.Host.Tests.CommandLine;

public sealed class CommandLineTests
{
    [Fact]
    public void OriginalSingleDashName_IsAccepted()
    {
        var settings = AmbassadorCommandLine.ParseSettings("-name", "redis");

        Assert.Equal("redis", Assert.Single(settings.Services).Name);
    }

    [Fact]
    public void Defaults_AreThoseTheHelpPromises()
    {
        var settings = AmbassadorCommandLine.ParseSettings("--name", "redis");

        Assert.Equal("0.0.0.0", settings.ListenAddress.ToString());
        Assert.Equal(TimeSpan.FromSeconds(30), settings.Wait);
        Assert.Null(settings.Cluster);
        Assert.False(settings.NoAgent);
        Assert.False(settings.Services[0].HasExplicitPorts);
        Assert.Equal(100, settings.MaxExposedPorts);
        Assert.Equal(new RelaySettings(11112, Insecure: false, CrossHostRoute.Auto), settings.HostRelay);
        Assert.False(settings.RunsRelay);
    }

    [Theory]
    [InlineData(false, false, false, false)]
    [InlineData(true, false, false, false)]
    [InlineData(true, true, false, true)]
    [InlineData(true, true, true, false)]
    public void TheRelay_RunsOnlyInAClusterMemberWithAnAgent_AndTlsOrRelayInsecure(bool cluster, bool insecure, bool noAgent, bool runs)
    {
        string[] args = ["--name", "redis", "--relay-port", "12112", "--cross-host", "relay"];
        args = [.. args, .. cluster ? ["--cluster", "redis://10.0.0.1:6379"] : Array.Empty<string>(), .. insecure ? ["--relay-insecure"] : Array.Empty<string>(), .. noAgent ? ["--no-agent"] : Array.Empty<string>()];

        var settings = AmbassadorCommandLine.ParseSettings(args);

        Assert.Equal(runs, settings.RunsRelay);
        Assert.Equal(12112, settings.HostRelay.Port);
        Assert.Equal(CrossHostRoute.Relay, settings.HostRelay.CrossHost);
    }

    [Theory]
    [InlineData("6379", 6379, 6379, PortProtocol.Tcp)]
    [InlineData("16379:6379", 16379, 6379, PortProtocol.Tcp)]
    [InlineData("53/udp", 53, 53, PortProtocol.Udp)]
    [InlineData("8053:53/UDP", 8053, 53, PortProtocol.Udp)]
    [InlineData("8080:80/tcp", 8080, 80, PortProtocol.Tcp)]
    public void PortMapping_IsParsed(string text, int listen, int target, PortProtocol protocol)
    {
        var mapping = PortMappingParser.Parse(text);

        Assert.Equal((listen, target, protocol), (mapping.Port, mapping.TargetPort, mapping.Protocol));
        Assert.Null(mapping.Name);
    }

    [Fact]
    public void PortMappings_GoToTheNamesTheySay()
    {
        var settings = AmbassadorCommandLine.ParseSettings(
            "--name", "web", "--name", "dns", "--port", "web=8080:80", "--port", "dns=53/udp");

        Assert.Equal([8080], settings.Services.Single(s => s.Name == "web").Ports.Select(p => p.Port));
        Assert.Equal([PortProtocol.Udp], settings.Services.Single(s => s.Name == "dns").Ports.Select(p => p.Protocol));
    }

    [Fact]
    public void SamePortNumber_OverTcpAndUdp_IsNoConflict()
    {
        var settings = AmbassadorCommandLine.ParseSettings("--name", "dns", "--port", "53", "--port", "53/udp");

        Assert.Equal(2, settings.Services[0].Ports.Length);
    }

    [Fact]
    public void EnvironmentVariables_SetOptions_AndTheCommandLineWins()
    {
        Environment.SetEnvironmentVariable("GRAND_AMBASSADOR_WAIT", "5");
        Environment.SetEnvironmentVariable("GRAND_AMBASSADOR_NAME", "a,b");
        try
        {
            var fromEnvironment = AmbassadorCommandLine.ParseSettings();
            var overridden = AmbassadorCommandLine.ParseSettings("--wait", "7", "--name", "c");

            Assert.Equal(TimeSpan.FromSeconds(5), fromEnvironment.Wait);
            Assert.Equal(["a", "b"], fromEnvironment.Services.Select(s => s.Name));
            Assert.Equal(TimeSpan.FromSeconds(7), overridden.Wait);
            Assert.Equal(["c"], overridden.Services.Select(s => s.Name));
        }
        finally
        {
            Environment.SetEnvironmentVariable("GRAND_AMBASSADOR_WAIT", null);
            Environment.SetEnvironmentVariable("GRAND_AMBASSADOR_NAME", null);
        }
    }

    [Fact]
    public void RetryBeforeFirstByte_IsOffByDefault_AndOnForTheNamesGiven()
    {
        var none = AmbassadorCommandLine.ParseSettings("--name", "web");
        var some = AmbassadorCommandLine.ParseSettings("--name", "web", "--name", "cache", "--retry-before-first-byte", "cache");
        var options = new ProxyOptions();
        DataPlaneServices.ConfigureProxy(options, some);

        Assert.Empty(none.RetryBeforeFirstByte ?? new HashSet<string>());
        Assert.Equal(["cache"], some.RetryBeforeFirstByte!);
        Assert.True(options.RetryBeforeFirstByteNames.Contains("cache"));
        Assert.False(options.RetryBeforeFirstByteNames.Contains("web"));
    }

    [Fact]
    public void RetryBeforeFirstByte_IsAListWithItsEnvironmentVariable()
    {
        // Not set here: other classes parse settings in parallel, and a name they do not front would fail them.
        var option = new MainCommandOptions().RetryBeforeFirstByte;

        Assert.Contains("[env: GRAND_AMBASSADOR_RETRY_BEFORE_FIRST_BYTE, comma-separated]", option.Description);
    }

    [Fact]
    public void ProxyProtocolAndAcceptProxy_AreOffByDefault_AndSetPerNameInTheProxyOptions()
    {
        var none = AmbassadorCommandLine.ParseSettings("--name", "web");
        var some = AmbassadorCommandLine.ParseSettings(
            "--name", "web", "--name", "db", "--name", "dns", "--proxy-protocol", "db=v1", "--proxy-protocol", "dns=V2", "--accept-proxy", "web");
        var options = new ProxyOptions();
        DataPlaneServices.ConfigureProxy(options, some);

        Assert.Empty(none.ProxyProtocol ?? new Dictionary<string, GrandAmbassador.Proxy.Routing.ProxyProtocolVersion>());
        Assert.Empty(none.AcceptProxy ?? new HashSet<string>());
        Assert.Equal(GrandAmbassador.Proxy.Routing.ProxyProtocolVersion.V1, options.ProxyProtocolNames["db"]);
        Assert.Equal(GrandAmbassador.Proxy.Routing.ProxyProtocolVersion.V2, options.ProxyProtocolNames["dns"]);
        Assert.False(options.ProxyProtocolNames.ContainsKey("web"));
        Assert.Equal(["web"], options.AcceptProxyNames);
    }

    [Fact]
    public void ProxyProtocolAndAcceptProxy_AreListsWithTheirEnvironmentVariables()
    {
        var set = new MainCommandOptions();

        Assert.Contains("[env: GRAND_AMBASSADOR_PROXY_PROTOCOL, comma-separated]", set.ProxyProtocol.Description);
        Assert.Contains("[env: GRAND_AMBASSADOR_ACCEPT_PROXY, comma-separated]", set.AcceptProxy.Description);
    }

    [Fact]
    public void ClusterUri_IsReadIntoRedisOptions()
    {
        var settings = AmbassadorCommandLine.ParseSettings("--name", "web", "--cluster", "redis://:s3cret@10.0.0.5:6390/2");
        var redis = RedisClusterUri.ToConfigurationOptions(settings.Cluster!);

        Assert.Equal("s3cret", redis.Password);
        Assert.Equal(2, redis.DefaultDatabase);
        Assert.Equal("10.0.0.5:6390", Assert.Single(redis.EndPoints).ToString());
    }

    [Theory]
    [InlineData("--name", "bad/name")]
    [InlineData("--name", "web", "--port", "0")]
    [InlineData("--name", "web", "--port", "1:2:3")]
    [InlineData("--name", "web", "--log-level", "loud")]
    [InlineData("--port", "80")]
    [InlineData("--name", "web", "--max-exposed-ports", "0")]
    [InlineData("--name", "web", "--max-exposed-ports", "lots")]
    [InlineData("--name", "web", "--retry-before-first-byte", "api")]
    [InlineData("--name", "web", "--retry-before-first-byte")]
    [InlineData("--name", "db", "--proxy-protocol", "db=v3")]
    [InlineData("--name", "db", "--proxy-protocol", "db")]
    [InlineData("--name", "db", "--proxy-protocol", "=v1")]
    [InlineData("--name", "db", "--proxy-protocol", "web=v1")]
    [InlineData("--name", "db", "--proxy-protocol", "db=v1", "--proxy-protocol", "db=v2")]
    [InlineData("--name", "db", "--accept-proxy", "web")]
    public void BadInput_IsAStartupError(params string[] args) =>
        Assert.ThrowsAny<InvalidSettingException>(() => AmbassadorCommandLine.ParseSettings(args));
}
