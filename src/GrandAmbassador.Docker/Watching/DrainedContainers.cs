using System.Collections.Concurrent;
using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Docker.Watching;

/// <summary>
/// Containers an operator drained (<c>grand-ambassador drain</c>): reported Stopping, whatever inspect and
/// the events say, until undrained or until the container starts again (a drain is of one run: the mark
/// remembers the run's start time). Kept for the agent's lifetime, across engine sessions.
/// </summary>
internal sealed class DrainedContainers
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _runs = new(StringComparer.Ordinal);

    public void Drain(ContainerEndpoint endpoint) => _runs[endpoint.ContainerId] = endpoint.StartedAt;

    /// <returns>Whether it was drained.</returns>
    public bool Undrain(string containerId) => _runs.TryRemove(containerId, out _);

    public void Removed(string containerId) => _runs.TryRemove(containerId, out _);

    /// <summary>The endpoint as it should be reported: Stopping while its drained run runs.</summary>
    public ContainerEndpoint Mark(ContainerEndpoint endpoint)
    {
        if (!_runs.TryGetValue(endpoint.ContainerId, out var startedAt))
        {
            return endpoint;
        }

        if (startedAt != endpoint.StartedAt)
        {
            // A later run: the drain was of the one before.
            _runs.TryRemove(KeyValuePair.Create(endpoint.ContainerId, startedAt));
            return endpoint;
        }

        return endpoint.Running ? endpoint with { Stopping = true } : endpoint;
    }
}
