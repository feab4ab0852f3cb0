using Docker.DotNet;
using Docker.DotNet.Handler.Abstractions;

namespace GrandAmbassador.Docker.Tests.Fakes;

/// <summary>
/// A fake Docker client for unit tests of the agent's session: only the system and container
/// operations the agent uses exist; everything else throws. The real engine is in the other tests.
/// </summary>
internal sealed class FakeDockerClient : IDockerClient
{
    public FakeSystemOperations FakeSystem { get; } = new();

    public FakeContainerOperations FakeContainers { get; } = new();

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
