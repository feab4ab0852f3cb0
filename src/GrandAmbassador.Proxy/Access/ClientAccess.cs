using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Proxy.Access;

/// <summary>
/// Access control of one fronted name, shared by all its ports: the allow-list, and a table of client addresses
/// with their open connections and token buckets. A name whose policy is open is never asked anything but
/// <see cref="IsOpen"/>: no address is read, no clock, nothing allocated. The table holds only addresses with
/// something to remember (open connections, or a bucket still refilling): a sweep every
/// <see cref="SweepPeriod"/> forgets the rest, and it never holds more than <see cref="MaxClients"/> addresses.
/// </summary>
internal sealed class ClientAccess : IDisposable
{
    internal const int MaxClients = 65_536;
    internal static readonly TimeSpan SweepPeriod = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<IPAddress, ClientEntry> _clients = new();
    private readonly AccessPolicy _configured;
    private readonly string _serviceName;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _updateLock = new();
    private AccessPolicy _policy;
    private ITimer? _sweepTimer;
    private int _fullLogged;
    private bool _disposed;

    /// <param name="configured">From the command line; it wins over a container label setting the same thing.</param>
    public ClientAccess(string serviceName, AccessPolicy configured, ILogger logger, TimeProvider time)
    {
        _serviceName = serviceName;
        _configured = configured;
        _logger = logger;
        _time = time;
        _policy = configured;
        RefusalLog = new RefusalLog(serviceName, logger, time);
        if (configured.TracksClients)
        {
            _sweepTimer = time.CreateTimer(static state => ((ClientAccess)state!).Sweep(), this, SweepPeriod, SweepPeriod);
        }

        if (!configured.IsOpen)
        {
            AccessLog.PolicyChanged(logger, serviceName, configured);
        }
    }

    /// <summary>The policy in force: the command line's, completed by the name's container labels.</summary>
    public AccessPolicy Policy => Volatile.Read(ref _policy);

    /// <summary>The one check a name without access settings pays per connection.</summary>
    public bool IsOpen => Volatile.Read(ref _policy).IsOpen;

    /// <summary>Client addresses in the table; for tests and diagnostics.</summary>
    public int TrackedClients => _clients.Count;

    public RefusalLog RefusalLog { get; }

    /// <summary>Open connections of <paramref name="client"/> counted here; for tests and diagnostics.</summary>
    internal int OpenOf(IPAddress client) => _clients.TryGetValue(ClientAddress.Normalize(client), out var entry) ? entry.Open : 0;

    /// <summary>
    /// Sets what the name's containers' labels say (<c>grand-ambassador.allow</c>); the command line's settings stay
    /// in force where it gave any. Counts already taken stay with their entries.
    /// </summary>
    public void Update(AccessPolicy fromLabels)
    {
        lock (_updateLock)
        {
            var next = _configured.Over(fromLabels);
            if (_disposed || next == _policy)
            {
                return;
            }

            Volatile.Write(ref _policy, next);
            if (next.TracksClients && _sweepTimer is null)
            {
                _sweepTimer = _time.CreateTimer(static state => ((ClientAccess)state!).Sweep(), this, SweepPeriod, SweepPeriod);
            }

            AccessLog.PolicyChanged(_logger, _serviceName, next);
        }
    }

    /// <summary>
    /// Admits <paramref name="client"/> or says why not. An admitted client's <paramref name="entry"/>, when not null,
    /// must be released when the connection closes.
    /// </summary>
    public AccessRefusal TryAdmit(IPAddress client, out ClientEntry? entry)
    {
        entry = null;
        var policy = Policy;
        if (!policy.Allows(client))
        {
            return AccessRefusal.NotAllowed;
        }

        if (!policy.TracksClients)
        {
            return AccessRefusal.None;
        }

        var now = _time.GetTimestamp();
        while (true)
        {
            if (!_clients.TryGetValue(client, out var current))
            {
                if (_clients.Count >= MaxClients && !MakeRoom())
                {
                    return AccessRefusal.TooManyClients;
                }

                current = _clients.GetOrAdd(client, static _ => new ClientEntry());
            }

            switch (current.TryTake(policy, now, _time))
            {
                case null:
                    // Evicted between the lookup and the take: it left the table; take a fresh one.
                    _clients.TryRemove(KeyValuePair.Create(client, current));
                    continue;
                case AccessRefusal.None:
                    entry = current;
                    return AccessRefusal.None;
                case var refusal:
                    return refusal.Value;
            }
        }
    }

    /// <summary>Forgets every address with nothing to remember; periodic, and inline when the table is full.</summary>
    internal void Sweep()
    {
        var policy = Policy;
        var now = _time.GetTimestamp();
        foreach (var (address, entry) in _clients)
        {
            if (entry.TryEvictIfIdle(policy, now, _time))
            {
                _clients.TryRemove(KeyValuePair.Create(address, entry));
            }
        }

        if (_clients.Count < MaxClients)
        {
            Volatile.Write(ref _fullLogged, 0);
        }
    }

    public void Dispose()
    {
        lock (_updateLock)
        {
            _disposed = true;
            _sweepTimer?.Dispose();
        }
    }

    private bool MakeRoom()
    {
        Sweep();
        if (_clients.Count < MaxClients)
        {
            return true;
        }

        if (Interlocked.Exchange(ref _fullLogged, 1) == 0)
        {
            AccessLog.ClientTableFull(_logger, _serviceName, MaxClients);
        }

        return false;
    }
}
