using System.Collections.Concurrent;

namespace GrandAmbassador.Agent;

/// <summary>
/// What the sink sent and a grain did not take (the call failed or timed out): the agent reports only changes, so
/// nothing else would ever send these again. The next reconcile sends each once more; a later successful send of
/// the same clears it.
/// </summary>
internal sealed class UndeliveredReports
{
    private readonly ConcurrentDictionary<string, byte> _reports = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Name, string ContainerId), long> _removals = new();

    /// <summary>Whether a report of <paramref name="containerId"/> failed to reach one of its names' grains since it was last sent whole.</summary>
    public bool ReportPending(string containerId) => _reports.ContainsKey(containerId);

    public void ReportFailed(string containerId) => _reports[containerId] = 0;

    public void ReportDelivered(string containerId) => _reports.TryRemove(containerId, out _);

    public void RemovalFailed(string name, string containerId, long sequence) =>
        _removals.AddOrUpdate((name, containerId), sequence, (_, before) => Math.Max(before, sequence));

    public void RemovalDelivered(string name, string containerId, long sequence) =>
        _removals.TryRemove(new KeyValuePair<(string, string), long>((name, containerId), sequence));

    /// <summary>The removals to send again, each with the highest sequence it was sent with.</summary>
    public IReadOnlyList<(string Name, string ContainerId, long Sequence)> Removals =>
        [.. _removals.Select(removal => (removal.Key.Name, removal.Key.ContainerId, removal.Value))];
}
