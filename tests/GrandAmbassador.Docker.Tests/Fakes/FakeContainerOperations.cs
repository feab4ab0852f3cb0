using System.Collections.Concurrent;
using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace GrandAmbassador.Docker.Tests.Fakes;

/// <summary>The engine's containers, faked: list and inspect what the test put in; inspect can be held.</summary>
internal sealed class FakeContainerOperations : IContainerOperations
{
    private readonly ConcurrentDictionary<string, ContainerInspectResponse> _containers = new(StringComparer.Ordinal);
    private volatile TaskCompletionSource? _held;
    private int _inspections;

    private readonly TaskCompletionSource _waiting = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Inspections => Volatile.Read(ref _inspections);

    /// <summary>Completes once an inspect is waiting for <see cref="Release"/>.</summary>
    public Task Waiting => _waiting.Task;

    /// <summary>Runs at every list: lets a test check what had happened by then.</summary>
    public Action? OnList { get; set; }

    /// <summary>Adds or changes a container.</summary>
    public void Put(string id, bool running = true, string? stopSignal = null, TimeSpan? stopTimeout = null, DateTimeOffset? startedAt = null, IDictionary<string, string>? labels = null) =>
        _containers[id] = new ContainerInspectResponse
        {
            ID = id,
            Name = "/" + id,
            State = new State { Running = running, StartedAt = (startedAt ?? DateTimeOffset.UnixEpoch.AddYears(56)).ToString("O") },
            Config = new ContainerConfig { StopSignal = stopSignal, StopTimeout = stopTimeout, Labels = labels ?? new Dictionary<string, string>() },
        };

    public void Delete(string id) => _containers.TryRemove(id, out _);

    /// <summary>Every inspect waits until <see cref="Release"/>: the agent is busy.</summary>
    public void Hold() => _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _held?.TrySetResult();

    public Task<IList<ContainerListResponse>> ListContainersAsync(ContainersListParameters parameters, CancellationToken cancellationToken)
    {
        OnList?.Invoke();
        return Task.FromResult<IList<ContainerListResponse>>([.. _containers.Keys.Order(StringComparer.Ordinal).Select(id => new ContainerListResponse { ID = id })]);
    }

    public async Task<ContainerInspectResponse> InspectContainerAsync(string id, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _inspections);
        if (_held is { } held)
        {
            _waiting.TrySetResult();
            await held.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return _containers.TryGetValue(id, out var container)
            ? container
            : throw new DockerContainerNotFoundException(HttpStatusCode.NotFound, $"No such container: {id}");
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
