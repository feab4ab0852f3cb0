using System.Collections.Concurrent;
using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace GrandAmbassador.Docker.Tests.Fakes;

/// <summary>
/// The engine's containers, faked: list and inspect what the test put in; inspect can be held. A list entry
/// says what the engine's would of the same container (names, labels, state, health, networks), with a
/// <c>Status</c> whose time part changes at every list, as the engine's does.
/// </summary>
internal sealed class FakeContainerOperations : IContainerOperations
{
    private readonly ConcurrentDictionary<string, ContainerInspectResponse> _containers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _inspectionsOf = new(StringComparer.Ordinal);
    private volatile TaskCompletionSource? _held;
    private int _inspections;
    private int _lists;

    private readonly TaskCompletionSource _waiting = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Inspections => Volatile.Read(ref _inspections);

    /// <summary>Whether a list entry's <c>Status</c> ends with the health, as Docker's does; Podman's never does.</summary>
    public bool ListShowsHealth { get; set; } = true;

    public int InspectionsOf(string id) => _inspectionsOf.GetValueOrDefault(id);

    /// <summary>Completes once an inspect is waiting for <see cref="Release"/>.</summary>
    public Task Waiting => _waiting.Task;

    /// <summary>Runs at every list: lets a test check what had happened by then.</summary>
    public Action? OnList { get; set; }

    /// <summary>Adds or changes a container.</summary>
    /// <param name="address">Its address on the network "bridge"; none when null.</param>
    /// <param name="health">Its health check's status ("starting", "healthy", "unhealthy"); no check when null.</param>
    public void Put(
        string id,
        bool running = true,
        string? stopSignal = null,
        TimeSpan? stopTimeout = null,
        DateTimeOffset? startedAt = null,
        IDictionary<string, string>? labels = null,
        string? address = null,
        string? health = null) =>
        _containers[id] = new ContainerInspectResponse
        {
            ID = id,
            Name = "/" + id,
            State = new State
            {
                Running = running,
                Status = running ? "running" : "exited",
                StartedAt = (startedAt ?? DateTimeOffset.UnixEpoch.AddYears(56)).ToString("O"),
                Health = health is null ? null : new Health { Status = health },
            },
            Config = new ContainerConfig { StopSignal = stopSignal, StopTimeout = stopTimeout, Labels = labels ?? new Dictionary<string, string>() },
            NetworkSettings = new NetworkSettings
            {
                Networks = address is null
                    ? new Dictionary<string, EndpointSettings>()
                    : new Dictionary<string, EndpointSettings> { ["bridge"] = new() { IPAddress = address, IPPrefixLen = 16, EndpointID = "ep-" + address } },
            },
        };

    public void Delete(string id) => _containers.TryRemove(id, out _);

    /// <summary>Every inspect waits until <see cref="Release"/>: the agent is busy.</summary>
    public void Hold() => _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _held?.TrySetResult();

    public Task<IList<ContainerListResponse>> ListContainersAsync(ContainersListParameters parameters, CancellationToken cancellationToken)
    {
        OnList?.Invoke();
        var minutes = Interlocked.Increment(ref _lists);
        return Task.FromResult<IList<ContainerListResponse>>([.. _containers.Values.OrderBy(c => c.ID, StringComparer.Ordinal).Select(c => Entry(c, minutes))]);
    }

    private ContainerListResponse Entry(ContainerInspectResponse container, int minutes)
    {
        var state = container.State ?? new State();
        var health = ListShowsHealth && state.Health is { } check ? $" ({(check.Status == "starting" ? "health: starting" : check.Status)})" : "";
        return new()
        {
            ID = container.ID,
            Names = [container.Name],
            Labels = container.Config?.Labels ?? new Dictionary<string, string>(),
            State = state.Status,
            Status = (state.Running ? $"Up {minutes} minutes" : $"Exited (0) {minutes} minutes ago") + health,
            NetworkSettings = new NetworkSettingsSummary { Networks = container.NetworkSettings?.Networks ?? new Dictionary<string, EndpointSettings>() },
        };
    }

    public async Task<ContainerInspectResponse> InspectContainerAsync(string id, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _inspections);
        _inspectionsOf.AddOrUpdate(id, 1, (_, count) => count + 1);
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
