using Docker.DotNet;
using Docker.DotNet.Handler.Abstractions;

namespace GrandAmbassador.Bench.Scale.Engine;

/// <summary>One simulated host's Docker engine: only the system and container operations the agent uses exist.</summary>
internal sealed class FakeEngine(EngineCounters counters) : IDockerClient
{
    public FakeSystemOperations FakeSystem { get; } = new();

    public FakeContainerOperations FakeContainers { get; } = new(counters);

    public ISystemOperations System => FakeSystem;

    public IContainerOperations Containers => FakeContainers;

    public ResolvedClientOptions Options => throw new NotSupportedException();

    public IImageOperations Images => throw new NotSupportedException();

    public INetworkOperations Networks => throw new NotSupportedException();

    public IVolumeOperations Volumes => throw new NotSupportedException();

    public ISecretsOperations Secrets => throw new NotSupportedException();

    public IConfigOperations Configs => throw new NotSupportedException();

    public IDistributionOperations Distribution => throw new NotSupportedException();

    public ISwarmOperations Swarm => throw new NotSupportedException();

    public ITasksOperations Tasks => throw new NotSupportedException();

    public IPluginOperations Plugin => throw new NotSupportedException();

    public IExecOperations Exec => throw new NotSupportedException();

    public void Dispose()
    {
    }
}
