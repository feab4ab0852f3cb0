using GrandAmbassador.Contracts.Endpoints;
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
    public async Task AddDockerAgent_TheAgentsMemory_IsOneSingleton_WhatTheAgentRenewsFrom()
    {
        using var provider = Services().AddDockerAgent(o =>
        {
            o.Endpoint = new Uri("unix:///nonexistent/docker.sock");
            o.HostId = "host-a";
        }).BuildServiceProvider();
        var known = provider.GetRequiredService<KnownContainers>();
        Assert.Same(known, provider.GetRequiredService<KnownContainers>());

        // What the host's sink would read is what the agent works from: with no engine to reach, the
        // agent renews, flagged stale, the one container this memory has.
        var endpoint = new ContainerEndpoint("host-a", "c1", "c1", ["c1"], [], [], ContainerHealth.None, Running: true, DateTimeOffset.UnixEpoch, null, HostNetwork: false, Sequence: 1);
        known.Reported(endpoint);
        var agent = Assert.Single(provider.GetServices<IHostedService>());
        await agent.StartAsync(CancellationToken.None);
        try
        {
            var sink = (RecordingEndpointSink)provider.GetRequiredService<IContainerEndpointSink>();
            var renewal = await sink.WaitForReconcileAsync(1);
            Assert.Equal("c1", Assert.Single(renewal.All).ContainerId);
            Assert.True(Assert.Single(renewal.All).Stale);
        }
        finally
        {
            await agent.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public void AddDockerAgent_InvalidOptions_FailValidation()
    {
        using var provider = Services().AddDockerAgent(o => o.ReconcileInterval = TimeSpan.Zero).BuildServiceProvider();

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DockerAgentOptions>>().Value);
    }

    [Fact]
    public void AddDockerAgent_ANonPositiveFullSweepInterval_FailsValidationInOneLine()
    {
        using var provider = Services().AddDockerAgent(o => o.FullSweepInterval = TimeSpan.FromSeconds(-1)).BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DockerAgentOptions>>().Value);
        Assert.Equal("DockerAgent:FullSweepInterval must be positive.", failure.Message);
    }

    [Fact]
    public void DockerAgentOptions_Defaults_AreDocumented()
    {
        var options = new DockerAgentOptions();

        Assert.Null(options.Endpoint);
        Assert.Equal(Environment.MachineName, options.HostId);
        Assert.Null(options.AdvertiseAddress);
        Assert.Equal(TimeSpan.FromSeconds(10), options.ReconcileInterval);
        Assert.Equal(TimeSpan.FromMinutes(5), options.FullSweepInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.ReconnectMinDelay);
        Assert.Equal(TimeSpan.FromSeconds(15), options.ReconnectMaxDelay);
        Assert.Equal(TimeSpan.FromMinutes(5), options.StaleEndpointLifetime);
    }

    private static IServiceCollection Services() => new ServiceCollection()
        .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
        .AddSingleton(typeof(ILogger<>), typeof(Logger<>))
        .AddSingleton<IContainerEndpointSink, RecordingEndpointSink>();
}
