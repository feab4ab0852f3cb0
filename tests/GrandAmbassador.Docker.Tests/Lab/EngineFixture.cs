using Docker.DotNet;
using GrandAmbassador.Docker.Connection;
using GrandAmbassador.Docker.Inspection;
using Microsoft.Extensions.Options;

namespace GrandAmbassador.Docker.Tests.Lab;

/// <summary>A client on the local engine and an inspector, for tests that read containers directly.</summary>
internal sealed class EngineFixture : IDisposable
{
    public static readonly HostIdentity Host = new("test-host", "192.0.2.10");

    public DockerClient Client { get; } = new DockerClientFactory(Options.Create(new DockerAgentOptions())).Create();

    public ContainerInspector Inspector { get; } = new(Host);

    public void Dispose() => Client.Dispose();
}
