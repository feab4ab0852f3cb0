using GrandAmbassador.Docker.Hosting;
using GrandAmbassador.Docker.Tests.Lab;
using GrandAmbassador.Docker.Watching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GrandAmbassador.Docker.Tests.Hosting;

public sealed class DockerAgentServiceCollectionExtensionsTests
{
    [Fact]
    public void AddDockerAgent_AppliesTheOptionsAndRegistersTheAgent()
    {
        using var provider = Services().AddDockerAgent(o =>
        {
            o.Endpoint = new Uri("unix:///run/other.sock");
            o.HostId = "host-a";
            o.ReconcileInterval = TimeSpan.FromSeconds(30);
        }).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<DockerAgentOptions>>().Value;
        Assert.Equal(new Uri("unix:///run/other.sock"), options.Endpoint);
        Assert.Equal("host-a", options.HostId);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ReconcileInterval);
        Assert.Equal(TimeSpan.FromSeconds(15), options.ReconnectMaxDelay);
        Assert.IsType<DockerAgent>(Assert.Single(provider.GetServices<IHostedService>()));
    }

    [Fact]
    public void AddDockerAgent_InvalidOptions_FailValidation()
    {
        using var provider = Services().AddDockerAgent(o => o.ReconcileInterval = TimeSpan.Zero).BuildServiceProvider();

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DockerAgentOptions>>().Value);
    }

    [Fact]
    public void DockerAgentOptions_Defaults_AreDocumented()
    {
        var options = new DockerAgentOptions();

        Assert.Null(options.Endpoint);
        Assert.Equal(Environment.MachineName, options.HostId);
        Assert.Null(options.AdvertiseAddress);
        Assert.Equal(TimeSpan.FromSeconds(10), options.ReconcileInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.ReconnectMinDelay);
        Assert.Equal(TimeSpan.FromSeconds(15), options.ReconnectMaxDelay);
        Assert.Equal(TimeSpan.FromMinutes(5), options.StaleEndpointLifetime);
    }

    private static IServiceCollection Services() => new ServiceCollection()
        .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
        .AddSingleton(typeof(ILogger<>), typeof(Logger<>))
        .AddSingleton<IContainerEndpointSink, RecordingEndpointSink>();
}
