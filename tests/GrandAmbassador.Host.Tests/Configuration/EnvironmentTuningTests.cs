using GrandAmbassador.Agent;
using GrandAmbassador.CommandLine;
using GrandAmbassador.Configuration;
using GrandAmbassador.DataPlane;
using GrandAmbassador.Docker;
using GrandAmbassador.Proxy.Engine;

namespace GrandAmbassador.Host.Tests.Configuration;

/// <summary>The environment beside the options is read once, by the executable, and reaches the library options through their one configuration step.</summary>
public sealed class EnvironmentTuningTests
{
    [Fact]
    public void SpliceOffAndTheEnginesTlsFiles_ReachTheProxyAndTheAgentOptions()
    {
        var environment = new Dictionary<string, string>
        {
            ["GRAND_AMBASSADOR_SPLICE"] = "0",
            ["GRAND_AMBASSADOR_SPLICE_PIPE"] = "65536",
            ["DOCKER_CERT_PATH"] = "/etc/docker-certs",
            ["DOCKER_TLS_VERIFY"] = "1",
        };
        var settings = AmbassadorCommandLine.ParseSettings("--name", "web") with
        {
            Tuning = EnvironmentTuning.Read(name => environment.GetValueOrDefault(name)),
        };

        var proxy = new ProxyOptions();
        DataPlaneServices.ConfigureProxy(proxy, settings);
        var agent = new DockerAgentOptions();
        DockerAgentSettings.Apply(agent, settings);

        Assert.False(proxy.Splice);
        Assert.Equal(65536, proxy.SplicePipeSize);
        Assert.Equal("/etc/docker-certs", agent.TlsCertPath);
        Assert.True(agent.TlsVerify);
    }

    [Fact]
    public void NoVariables_LeaveTheLibraryDefaults()
    {
        var settings = AmbassadorCommandLine.ParseSettings("--name", "web") with { Tuning = EnvironmentTuning.Read(_ => null) };

        var proxy = new ProxyOptions();
        DataPlaneServices.ConfigureProxy(proxy, settings);
        var agent = new DockerAgentOptions();
        DockerAgentSettings.Apply(agent, settings);

        Assert.True(proxy.Splice);
        Assert.Equal(new ProxyOptions().SplicePipeSize, proxy.SplicePipeSize);
        Assert.Null(agent.TlsCertPath);
        Assert.False(agent.TlsVerify);
    }
}
