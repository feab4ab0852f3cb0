namespace GrandAmbassador.Grains.Endpoints;

/// <summary>
/// Whether a grain activation has heard from every host that has a container with its name: until
/// then its snapshots are incomplete, and subscribers add routes from them but remove none.
/// Complete at the latest at the deadline (one lease: by then every live agent has reported).
/// </summary>
internal sealed class ActivationCompleteness(DateTimeOffset deadline)
{
    private HashSet<string>? _awaited;
    private bool _complete;

    public bool IsComplete => _complete;

    /// <summary>The deadline while still incomplete; null once complete.</summary>
    public DateTimeOffset? PendingDeadline => _complete ? null : deadline;

    /// <summary>The hosts to wait for (from the host directory); <c>null</c> when unknown: wait for the deadline.</summary>
    public void Await(IEnumerable<string>? hosts, IEnumerable<string> alreadyHeard)
    {
        if (hosts is null)
        {
            return;
        }

        _awaited = new HashSet<string>(hosts, StringComparer.Ordinal);
        _awaited.ExceptWith(alreadyHeard);
    }

    /// <summary>A host reported; returns whether the activation just became complete.</summary>
    public bool Heard(string hostId, DateTimeOffset now)
    {
        _awaited?.Remove(hostId);
        return Check(now);
    }

    /// <summary>
    /// Stops waiting for hosts that will not report (their silo was declared dead); returns whether
    /// the activation just became complete.
    /// </summary>
    public bool Check(DateTimeOffset now, Func<string, bool> isDead)
    {
        _awaited?.RemoveWhere(host => isDead(host));
        return Check(now);
    }

    /// <summary>Returns whether the activation just became complete.</summary>
    public bool Check(DateTimeOffset now)
    {
        if (_complete || !(_awaited is { Count: 0 } || now >= deadline))
        {
            return false;
        }

        _complete = true;
        return true;
    }
}
