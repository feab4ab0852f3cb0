using GrandAmbassador.Docker.Inspection;

namespace GrandAmbassador.Docker.Watching;

/// <summary>
/// Which containers one session's re-list inspects. Events are the agent's first signal and inspect what they
/// name; the periodic list is the safety net for what they missed, so it inspects only the containers whose
/// list entry is new or changed since this session's last list (<see cref="ListedContainer"/>): at rest a
/// list is one engine call, not one per container. It inspects them all (a full sweep) at the session's
/// first list (every reconnect), when events were lost, and every <paramref name="fullSweepInterval"/>: for
/// what no list entry shows, such as a restart between two lists that kept its address, or Podman's health.
/// </summary>
internal sealed class ReListPlan(TimeProvider time, TimeSpan fullSweepInterval)
{
    private Dictionary<string, ListedContainer> _last = new(StringComparer.Ordinal);
    private DateTimeOffset? _lastSweep;

    /// <summary>Called before each list: why it inspects every container, or null when it inspects only changes.</summary>
    /// <param name="eventsLost">The event queue overflowed: what its events would have inspected is unknown.</param>
    public string? SweepReason(bool eventsLost)
    {
        var now = time.GetUtcNow();
        var reason = _lastSweep is null ? "first list of this connection"
            : eventsLost ? "events were lost"
            : now - _lastSweep.Value >= fullSweepInterval ? "periodic"
            : null;
        if (reason is not null)
        {
            _lastSweep = now;
        }

        return reason;
    }

    /// <summary>Whether <paramref name="entry"/> is what this session's last list said of its container.</summary>
    public bool Unchanged(ListedContainer entry) => _last.TryGetValue(entry.Id, out var last) && last == entry;

    /// <summary>Remembers the entries of the list just judged, for the next list to compare with.</summary>
    public void Listed(IEnumerable<ListedContainer> entries) =>
        _last = entries.ToDictionary(entry => entry.Id, StringComparer.Ordinal);
}
