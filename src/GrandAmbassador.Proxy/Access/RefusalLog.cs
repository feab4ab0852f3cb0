using System.Collections.Concurrent;
using System.Net;
using GrandAmbassador.Proxy.Routing;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Proxy.Access;

/// <summary>
/// Logs a refused client once per source per minute, with how many refusals of it went unlogged since: a scan or a
/// flood is one line a minute per address, never one per connection. The table of sources is bounded; past the
/// bound, sources not yet in it are counted and said in the next line that is logged.
/// </summary>
internal sealed class RefusalLog(string serviceName, ILogger logger, TimeProvider time)
{
    internal const int MaxSources = 1024;
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<IPAddress, Source> _sources = new();
    private int _untracked;

    public void Refused(ListenPort port, IPAddress client, AccessRefusal reason)
    {
        var now = time.GetTimestamp();
        if (!_sources.TryGetValue(client, out var source))
        {
            if (_sources.Count >= MaxSources)
            {
                Forget(now);
                if (_sources.Count >= MaxSources)
                {
                    Interlocked.Increment(ref _untracked);
                    return;
                }
            }

            source = _sources.GetOrAdd(client, static _ => new Source());
        }

        if (source.ShouldLog(now, time, out var unlogged))
        {
            AccessLog.Refused(logger, serviceName, port, client.ToString(), Describe(reason), unlogged, Interlocked.Exchange(ref _untracked, 0));
        }
    }

    internal static string Describe(AccessRefusal reason) => reason switch
    {
        AccessRefusal.NotAllowed => "not on the allow-list",
        AccessRefusal.TooManyConnections => "at its limit of connections per client",
        AccessRefusal.RateLimited => "over its rate of new connections",
        AccessRefusal.TooManyClients => "too many clients tracked at once",
        _ => reason.ToString(),
    };

    private void Forget(long now)
    {
        foreach (var (address, source) in _sources)
        {
            if (source.IsQuiet(now, time))
            {
                _sources.TryRemove(address, out _);
            }
        }
    }

    private sealed class Source
    {
        private readonly Lock _lock = new();
        private long _logged;
        private int _unlogged;

        public bool ShouldLog(long now, TimeProvider time, out int unlogged)
        {
            lock (_lock)
            {
                if (_logged != 0 && time.GetElapsedTime(_logged, now) < Interval)
                {
                    _unlogged++;
                    unlogged = 0;
                    return false;
                }

                _logged = now;
                unlogged = _unlogged;
                _unlogged = 0;
                return true;
            }
        }

        public bool IsQuiet(long now, TimeProvider time)
        {
            lock (_lock)
            {
                return time.GetElapsedTime(_logged, now) >= Interval;
            }
        }
    }
}
