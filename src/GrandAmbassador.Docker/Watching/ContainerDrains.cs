using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Docker.Watching;

/// <summary>
/// Drains and undrains this host's containers: a drained container is reported Stopping (no new
/// connections anywhere, open ones stay) in the agent's own sequence, from its very next report on,
/// until it is undrained or starts again. The host passes drains on from the cluster to here.
/// </summary>
public sealed class ContainerDrains
{
    private readonly DrainedContainers _drained = new();
    private volatile DockerAgentSession? _session;
    private KnownContainers? _known;
    private string _hostId = "";

    internal DrainedContainers Drained => _drained;

    /// <summary>
    /// Marks <paramref name="container"/> (a name, a full id or an unambiguous id prefix, as the agent last
    /// saw it) drained or not, and has the agent report it so at once.
    /// </summary>
    public DrainMark SetDrained(string container, bool drained)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(container);
        if (_known is not { } known)
        {
            return DrainMark.Refused($"the agent of host {_hostId} has not listed its containers yet");
        }

        var all = known.All;
        var matches = all.Where(endpoint => endpoint.ContainerName == container).ToList() is { Count: > 0 } byName
            ? byName
            : all.Where(endpoint => endpoint.ContainerId.StartsWith(container, StringComparison.OrdinalIgnoreCase)).ToList();
        switch (matches.Count)
        {
            case 0:
                return DrainMark.Refused($"no container {container} on host {_hostId}");
            case > 1:
                return DrainMark.Refused($"{container} matches {matches.Count} containers on host {_hostId}: {string.Join(", ", matches.Select(m => m.ContainerName).Order(StringComparer.Ordinal))}");
        }

        var endpoint = matches[0];
        if (drained)
        {
            _drained.Drain(endpoint);
        }
        else
        {
            _drained.Undrain(endpoint.ContainerId);
        }

        // No session (the engine is away): the mark holds, and the next session's first list reports it.
        _session?.RequestRestate(endpoint.ContainerId);
        return new DrainMark(null, new ContainerKey(endpoint.HostId, endpoint.ContainerId), endpoint.ContainerName, endpoint.ServiceNames, endpoint.Running);
    }

    internal void Attach(string hostId, KnownContainers known)
    {
        _hostId = hostId;
        _known = known;
    }

    internal void SessionStarted(DockerAgentSession? session) => _session = session;
}
