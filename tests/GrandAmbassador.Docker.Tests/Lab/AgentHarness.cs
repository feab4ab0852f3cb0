using GrandAmbassador.Docker.Connection;
using GrandAmbassador.Docker.Watching;
using GrandAmbassador.Testing;
using Microsoft.Extensions.Options;

namespace GrandAmbassador.Docker.Tests.Lab;

/// <summary>A running <see cref="DockerAgent"/> reporting to a <see cref="RecordingEndpointSink"/>; stopped on dispose.</summary>
internal sealed class AgentHarness : IAsyncDisposable
{
    private readonly DockerAgent _agent;

    private AgentHarness(DockerAgentOptions options, TimeProvider timeProvider)
    {
        var wrapped = Options.Create(options);
        _agent = new DockerAgent(new DockerClientFactory(wrapped), Sink, new KnownContainers(), wrapped, timeProvider, new DockerAgentState(), Drains, new LocalContainerView(), Logger);
    }

    public RecordingEndpointSink Sink { get; } = new();

    /// <summary>The agent's drains, as the host's cluster would call them.</summary>
    public ContainerDrains Drains { get; } = new();

    public RecordingLogger<DockerAgent> Logger { get; } = new();

    /// <summary>Starts an agent; by default on the local engine, with reconciles too rare to hide whether events work.</summary>
    public static async Task<AgentHarness> StartAsync(Action<DockerAgentOptions>? configure = null, TimeProvider? timeProvider = null)
    {
        var options = new DockerAgentOptions
        {
            HostId = "test-host",
            AdvertiseAddress = "192.0.2.10",
            ReconcileInterval = TimeSpan.FromMinutes(10),
            ReconnectMinDelay = TimeSpan.FromMilliseconds(100),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
        };
        configure?.Invoke(options);
        var harness = new AgentHarness(options, timeProvider ?? TimeProvider.System);
        await harness._agent.StartAsync(CancellationToken.None);
        return harness;
    }

    public async ValueTask DisposeAsync()
    {
        await _agent.StopAsync(CancellationToken.None);
        _agent.Dispose();
    }
}
