using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GrandAmbassador.Proxy.Engine;

/// <summary>
/// The last failure of each host relay this process dialled, until a dial through it succeeds: how <c>status</c>, the
/// API and the page can say why a relayed destination gets no connection (the dialer logs each failure at Debug only,
/// since a held connection retries every second). One per process, shared by every proxy; only relay attempts record
/// here, so a direct destination's dial never touches it.
/// </summary>
internal sealed class RelayHealth(TimeProvider time)
{
    // Relays are hosts of the cluster, so there are few; the bound only guards against an address that changes often.
    private const int MaxRelays = 1024;

    private readonly ConcurrentDictionary<IPEndPoint, RelayFailure> _failures = new();
    private TaskCompletionSource _changed = NewSignal();

    /// <summary>Completes when a relay starts failing or is reached again (not at every repeated failure).</summary>
    public Task Changed => Volatile.Read(ref _changed).Task;

    /// <summary>The failure of <paramref name="relay"/> since its last success, or null.</summary>
    public RelayFailure? Failure(IPEndPoint relay) => _failures.TryGetValue(relay, out var failure) ? failure : null;

    /// <summary>A dial through <paramref name="relay"/> failed.</summary>
    public void Failed(IPEndPoint relay, string reason)
    {
        var now = time.GetUtcNow();
        var started = false;
        var newReason = false;
        _failures.AddOrUpdate(
            relay,
            _ =>
            {
                started = true;
                return new RelayFailure(reason, now, now);
            },
            (_, previous) =>
            {
                newReason = previous.Reason != reason;
                return previous with { Reason = reason, At = now };
            });
        if (started)
        {
            Forget(now);
        }

        // A failure that starts, or one that now fails for another reason (the link ended, then the port was closed):
        // what status says changes, and the fronting registration is renewed only rarely otherwise (paced at one a second).
        if (started || newReason)
        {
            Signal();
        }
    }

    /// <summary>A dial through <paramref name="relay"/> got its go: its failures are over.</summary>
    public void Reached(IPEndPoint relay)
    {
        // A lock-free read first: relayed connections to a healthy relay (the usual case) take no lock here.
        if (_failures.TryGetValue(relay, out _) && _failures.TryRemove(relay, out _))
        {
            Signal();
        }
    }

    /// <summary>"connection refused", "host unreachable": a socket error as a sentence says it.</summary>
    public static string Words(SocketError error)
    {
        var name = error.ToString();
        var words = new StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && words.Length > 0)
            {
                words.Append(' ');
            }

            words.Append(char.ToLowerInvariant(c));
        }

        return words.ToString();
    }

    /// <summary>Past the bound, the failures not repeated for a minute go (a held connection retries every second): a relay still dialled records itself again.</summary>
    private void Forget(DateTimeOffset now)
    {
        if (_failures.Count <= MaxRelays)
        {
            return;
        }

        foreach (var (relay, failure) in _failures)
        {
            if (now - failure.At > TimeSpan.FromMinutes(1))
            {
                _failures.TryRemove(relay, out _);
            }
        }
    }

    private void Signal() => Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
