using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Net.Sockets;
using GrandAmbassador.Proxy.Access;
using GrandAmbassador.Proxy.Diagnostics;
using GrandAmbassador.Proxy.Limits;
using GrandAmbassador.Proxy.Routing;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Proxy.Engine;

/// <summary>
/// The relay for one fronted name: a listener per port, re-pointed by whole snapshots of routes.
/// Applying is serialized; the data path reads the current snapshot without locks.
/// </summary>
internal sealed class ServiceProxy : IAsyncDisposable
{
    private readonly ProxyOptions _options;
    private readonly ProxyLimits _limits;
    private readonly TimeProvider _timeProvider;
    private readonly ProxyMetrics _metrics;
    private readonly RelayHealth _relayHealth;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly PortListenerStart _tcp;
    private readonly PortListenerStart _udp;
    private readonly SemaphoreSlim _applyGate = new(1, 1);
    private ImmutableDictionary<ListenPort, PortListener> _listeners = ImmutableDictionary<ListenPort, PortListener>.Empty;
    private TaskCompletionSource _changed = NewSignal();
    private ProxyState _state;
    private bool _disposed;

    /// <summary>Creates a proxy with no ports; the first <see cref="ApplyAsync"/> opens them. Built by <see cref="Hosting.ServiceProxyFactory"/>.</summary>
    /// <param name="tcp">Opens a TCP port (Tcp/).</param>
    /// <param name="udp">Opens a UDP port (Udp/).</param>
    /// <param name="relayHealth">The process's record of failing host relays, shared by every proxy.</param>
    internal ServiceProxy(
        string serviceName, ProxyOptions options, ProxyLimits limits, ILoggerFactory loggerFactory, TimeProvider timeProvider, ProxyMetrics metrics, PortListenerStart tcp, PortListenerStart udp, RelayHealth relayHealth)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        ServiceName = serviceName;
        _options = options;
        _limits = limits;
        _timeProvider = timeProvider;
        _loggerFactory = loggerFactory;
        // The category it logged under before the engine left Hosting/: log filters and the README's lines name it.
        _logger = loggerFactory.CreateLogger(LogCategory);
        _tcp = tcp;
        _udp = udp;
        _metrics = metrics;
        _relayHealth = relayHealth;
        _state = new ProxyState(0, [], [], [], Closed: false, _changed.Task);
        Access = new ClientAccess(
            serviceName,
            AccessPolicy.For(options.Access, serviceName),
            loggerFactory.CreateLogger<ClientAccess>(),
            timeProvider);
    }

    /// <summary>The proxies' log category.</summary>
    internal const string LogCategory = "GrandAmbassador.Proxy.Hosting.ServiceProxy";

    public string ServiceName { get; }

    /// <summary>The PROXY protocol header this name's targets get from <c>--proxy-protocol</c>; containers' labels aside.</summary>
    public ProxyProtocolVersion ProxyProtocol => _options.ProxyProtocolNames.GetValueOrDefault(ServiceName);

    /// <summary>Whether this name's TCP clients must start with a PROXY protocol header (<c>--accept-proxy</c>).</summary>
    public bool AcceptProxy => _options.AcceptProxyNames.Contains(ServiceName);

    /// <summary>Who may connect to this name, and the per-client table; shared by every port.</summary>
    public ClientAccess Access { get; }

    /// <summary>What this proxy serves now; its <see cref="ProxyState.Changed"/> says when that changes.</summary>
    public ProxyState State => Volatile.Read(ref _state);

    /// <summary>The listener of <paramref name="port"/>, or <see langword="null"/> if it is not listening; for tests and diagnostics.</summary>
    internal PortListener? GetListener(ListenPort port) =>
        Volatile.Read(ref _listeners).TryGetValue(port, out var listener) ? listener : null;

    /// <summary>
    /// Applies a whole new snapshot: opens listeners for ports new in it, closes listeners (and their connections)
    /// for ports gone from it, swaps destinations for the rest, releases held connections when destinations
    /// appear, and closes (both ways) connections whose backend is neither retained nor a destination.
    /// </summary>
    /// <returns>The ports that could not be bound; they are retried on the next call.</returns>
    public async Task<IReadOnlyList<ListenFailure>> ApplyAsync(ServiceRoutes routes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(routes);
        if (!string.Equals(routes.ServiceName, ServiceName, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Routes for '{routes.ServiceName}' given to the proxy of '{ServiceName}'.", nameof(routes));
        }

        var ports = routes.Ports.IsDefault ? [] : routes.Ports;
        var wanted = new Dictionary<ListenPort, PortRoute>(ports.Length);
        foreach (var route in ports)
        {
            if (!wanted.TryAdd(route.Listen, route))
            {
                throw new ArgumentException($"Port {route.Listen} appears twice in the routes of '{ServiceName}'.", nameof(routes));
            }
        }

        await _applyGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var retained = RetainedBackendIds(routes, ports);
            var listeners = _listeners.ToBuilder();
            var closing = new List<PortListener>();
            foreach (var (port, listener) in _listeners)
            {
                if (!wanted.ContainsKey(port))
                {
                    listeners.Remove(port);
                    closing.Add(listener);
                }
            }

            // Closed first, so that a port moving between protocols' listeners never sees both at once.
            foreach (var listener in closing)
            {
                await listener.DisposeAsync().ConfigureAwait(false);
            }

            var failures = new List<ListenFailure>();
            foreach (var route in ports)
            {
                var snapshot = new RouteSnapshot(route.Destinations, retained);
                if (listeners.TryGetValue(route.Listen, out var listener))
                {
                    listener.Apply(snapshot);
                    continue;
                }

                try
                {
                    listeners[route.Listen] = Open(route.Listen, snapshot);
                }
                catch (SocketException ex)
                {
                    EngineLog.ListenFailed(_logger, ServiceName, route.Listen, ex.SocketErrorCode);
                    failures.Add(new ListenFailure(route.Listen, ex.Message));
                }
            }

            Volatile.Write(ref _listeners, listeners.ToImmutable());
            Publish(ports, [.. failures]);
            EngineLog.Applied(_logger, ServiceName, listeners.Count, failures.Count);
            return failures;
        }
        finally
        {
            _applyGate.Release();
        }
    }

    /// <summary>
    /// Shuts down gently, for SIGTERM: stops accepting on every TCP port at once, lets open connections go on for up
    /// to <see cref="ProxyOptions.DrainTimeout"/>, then closes those still open with a FIN both ways (a reset only
    /// where a send is still pending), and closes the UDP ports last. Afterwards the proxy is disposed. Returns how
    /// many connections ended on their own and how many were closed at the end (also logged).
    /// </summary>
    public async Task<(int Finished, int Closed)> DrainAsync(CancellationToken cancellationToken)
    {
        await _applyGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return (0, 0);
            }

            _disposed = true;
            Access.Dispose();
            var listeners = _listeners.Values.ToList();
            Volatile.Write(ref _listeners, ImmutableDictionary<ListenPort, PortListener>.Empty);
            Publish([], []);
            var (finished, closed) = (0, 0);
            foreach (var counts in await Task.WhenAll(listeners.Where(listener => listener.Port.Protocol == TransportProtocol.Tcp)
                .Select(listener => listener.DrainAsync(_options.DrainTimeout))).ConfigureAwait(false))
            {
                finished += counts.Finished;
                closed += counts.Closed;
            }

            foreach (var listener in listeners)
            {
                await listener.DisposeAsync().ConfigureAwait(false);
            }

            EngineLog.Drained(_logger, ServiceName, finished, closed);
            return (finished, closed);
        }
        finally
        {
            _applyGate.Release();
        }
    }

    /// <summary>Closes every listener and connection at once (connections with a reset) and waits for their loops to end.</summary>
    public async ValueTask DisposeAsync()
    {
        await _applyGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Access.Dispose();
            var listeners = _listeners;
            Volatile.Write(ref _listeners, ImmutableDictionary<ListenPort, PortListener>.Empty);
            Publish([], []);
            foreach (var listener in listeners.Values)
            {
                await listener.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _applyGate.Release();
        }
    }

    /// <summary>Swaps in the next state, then completes the previous one's signal: a reader never misses a change.</summary>
    private void Publish(ImmutableArray<PortRoute> routes, ImmutableArray<ListenFailure> failures)
    {
        var previous = _changed;
        _changed = NewSignal();
        var listening = _listeners.Values
            .Select(listener => new BoundPort(listener.Port, listener.LocalEndPoint))
            .OrderBy(bound => bound.Port.Port)
            .ThenBy(bound => bound.Port.Protocol)
            .ToImmutableArray();
        Volatile.Write(ref _state, new ProxyState(_state.Version + 1, routes, listening, failures, _disposed, _changed.Task));
        previous.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static FrozenSet<string> RetainedBackendIds(ServiceRoutes routes, ImmutableArray<PortRoute> ports)
    {
        // A backend that receives new connections keeps its existing ones, even if the host forgot to list it.
        var ids = new HashSet<string>(routes.RetainedBackendIds ?? [], StringComparer.Ordinal);
        foreach (var route in ports)
        {
            foreach (var destination in route.Destinations.IsDefault ? [] : route.Destinations)
            {
                ids.Add(destination.BackendId);
            }
        }

        return ids.ToFrozenSet(StringComparer.Ordinal);
    }

    private PortListener Open(ListenPort port, RouteSnapshot snapshot)
    {
        var start = port.Protocol switch
        {
            TransportProtocol.Tcp => _tcp,
            TransportProtocol.Udp => _udp,
            _ => throw new ArgumentOutOfRangeException(nameof(port), port.Protocol, "Unknown transport."),
        };
        return start.Start(Context(port, snapshot, _loggerFactory.CreateLogger(start.Category)));
    }

    private PortContext Context(ListenPort port, RouteSnapshot snapshot, ILogger logger) =>
        new(port, snapshot, _options, _limits, _timeProvider, _metrics, ServiceName, logger, Access, _relayHealth);
}
