using System.Collections.Concurrent;
using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace GrandAmbassador.Bench.Scale.Engine;

/// <summary>One simulated engine's containers: list and inspect answer from memory, and count into <see cref="EngineCounters"/>.</summary>
internal sealed class FakeContainerOperations(EngineCounters counters) : IContainerOperations
{
    private readonly ConcurrentDictionary<string, ContainerInspectResponse> _containers = new(StringComparer.Ordinal);

    public void Put(ContainerInspectResponse container) => _containers[container.ID] = container;

    public Task<IList<ContainerListResponse>> ListContainersAsync(ContainersListParameters parameters, CancellationToken cancellationToken)
    {
        counters.Listed();
        return Task.FromResult<IList<ContainerListResponse>>(
            [.. _containers.Values.OrderBy(c => c.ID, StringComparer.Ordinal).Select(c => new ContainerListResponse { ID = c.ID, Names = [c.Name], Labels = c.Config?.Labels ?? new Dictionary<string, string>() })]);
    }

    public Task<ContainerInspectResponse> InspectContainerAsync(string id, CancellationToken cancellationToken)
    {
        counters.Inspected();
        return _containers.TryGetValue(id, out var container)
            ? Task.FromResult(container)
            : Task.FromException<ContainerInspectResponse>(new DockerContainerNotFoundException(HttpStatusCode.NotFound, $"No such container: {id}"));
    }

    public Task<CreateContainerResponse> CreateContainerAsync(CreateContainerParameters parameters, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<ContainerInspectResponse> InspectContainerAsync(string id, ContainerInspectParameters parameters, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<ContainerProcessesResponse> ListProcessesAsync(string id, ContainerListProcessesParameters parameters, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task GetContainerLogsAsync(string id, ContainerLogsParameters parameters, IProgress<string> progress, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<MultiplexedStream> GetContainerLogsAsync(string id, ContainerLogsParameters parameters, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IList<ContainerFileSystemChangeResponse>> InspectChangesAsync(string id, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<Stream> ExportContainerAsync(string id, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<Stream> GetContainerStatsAsync(string id, ContainerStatsParameters parameters, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task GetContainerStatsAsync(string id, ContainerStatsParameters parameters, IProgress<ContainerStatsResponse> progress, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task ResizeContainerTtyAsync(string id, ContainerResizeParameters parameters, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<bool> StartContainerAsync(string id, ContainerStartParameters? parameters, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<bool> StopContainerAsync(string id, ContainerStopParameters parameters, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task RestartContainerAsync(string id, ContainerRestartParameters parameters, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task KillContainerAsync(string id, ContainerKillParameters parameters, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task RenameContainerAsync(string id, ContainerRenameParameters parameters, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task PauseContainerAsync(string id, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task UnpauseContainerAsync(string id, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<MultiplexedStream> AttachContainerAsync(string id, ContainerAttachParameters parameters, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<ContainerWaitResponse> WaitContainerAsync(string id, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task RemoveContainerAsync(string id, ContainerRemoveParameters parameters, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<ContainerArchiveResponse> GetArchiveFromContainerAsync(string id, ContainerPathStatParameters parameters, bool statOnly, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task ExtractArchiveToContainerAsync(string id, CopyToContainerParameters parameters, Stream stream, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<ContainersPruneResponse> PruneContainersAsync(ContainersPruneParameters? parameters, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<ContainerUpdateResponse> UpdateContainerAsync(string id, ContainerUpdateParameters parameters, CancellationToken cancellationToken) => throw new NotSupportedException();
}
