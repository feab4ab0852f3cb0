using System.Collections.Immutable;
using GrandAmbassador.Configuration;
using GrandAmbassador.Proxy.Engine;
using GrandAmbassador.Proxy.Routing;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.DataPlane;

/// <summary>
/// The names this process fronts, each with its proxy, for the life of the process: the command line's
/// names at start, <see cref="AddAsync"/> and <see cref="RemoveAsync"/> at run time (the HTTP API).
/// Control-plane generations come and go; they follow whatever <see cref="Current"/> holds and are told
/// of every change through <see cref="FrontedNamesSnapshot.Changed"/>.
/// </summary>
internal sealed class FrontedNameRegistry(Func<string, ServiceProxy> createProxy, ILogger<FrontedNameRegistry> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private TaskCompletionSource _changed = NewSignal();
    private FrontedNamesSnapshot? _current;

    public FrontedNamesSnapshot Current => Volatile.Read(ref _current) ?? new FrontedNamesSnapshot([], _changed.Task);

    public FrontedName? Find(string name) => Current.Names.FirstOrDefault(entry => entry.Name == name);

    /// <summary>
    /// Fronts one more name: checks it as the command line does, binds its explicit ports at once, and
    /// also the ports its container is known to expose (<paramref name="knownPorts"/>, at run time): a
    /// port that is taken is refused now, where the user acts, not warned about every few seconds.
    /// </summary>
    /// <exception cref="InvalidSettingException">The name is invalid or already fronted, or (a
    /// <see cref="PortTakenException"/>) a port is another name's or cannot be bound; nothing was added.</exception>
    public async Task<FrontedName> AddAsync(FrontedService service, CancellationToken cancellationToken, IReadOnlyCollection<ListenPort>? knownPorts = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        var name = NameValidator.Validate(service.Name);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var names = Current.Names;
            if (names.Any(entry => entry.Name == name))
            {
                throw new InvalidSettingException($"--name {name}: already fronted");
            }

            PortClaims.Check(service.Ports);
            var ports = service.HasExplicitPorts ? [.. service.Ports.Select(mapping => mapping.Listen)] : knownPorts ?? [];
            foreach (var port in ports)
            {
                if (names.FirstOrDefault(entry => entry.Holds(port)) is { } holder)
                {
                    throw new PortTakenException(name, port.ToString(), holder.Name);
                }
            }

            var proxy = createProxy(name);
            var bound = await BindAsync(name, ports, proxy, cancellationToken).ConfigureAwait(false);
            var entry = new FrontedName(service with { Name = name }, proxy, bound is null ? AppliedRoutes.None : new AppliedRoutes(null, new RoutePlan(bound, [], [], [], [], [])));
            Publish(names.Add(entry));
            DataPlaneLog.NameAdded(logger, name);
            return entry;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops fronting a name: its follower stops, its listeners and connections close.</summary>
    /// <returns>Whether the name was fronted.</returns>
    public async Task<bool> RemoveAsync(string name, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var names = Current.Names;
            var entry = names.FirstOrDefault(candidate => candidate.Name == name);
            if (entry is null)
            {
                return false;
            }

            Publish(names.Remove(entry));
            entry.MarkRemoved();
            await entry.Proxy.DisposeAsync().ConfigureAwait(false);
            DataPlaneLog.NameRemoved(logger, name);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// SIGTERM: every proxy stops accepting at once, lets its open connections go on for up to <c>--drain</c>,
    /// then closes them with a FIN. The names stay listed until <see cref="DisposeAsync"/>.
    /// </summary>
    public Task DrainAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Current.Names.Select(entry => entry.Proxy.DrainAsync(cancellationToken)));

    /// <summary>Closes every proxy: the end of the process.</summary>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var names = Current.Names;
            Publish([]);
            foreach (var entry in names)
            {
                entry.MarkRemoved();
                await entry.Proxy.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Binds the ports now, so that a port already taken is an error at once.</summary>
    /// <returns>The routes applied (listeners, no destination yet), or null when there are no ports to bind yet.</returns>
    private static async Task<ServiceRoutes?> BindAsync(string name, IReadOnlyCollection<ListenPort> ports, ServiceProxy proxy, CancellationToken cancellationToken)
    {
        if (ports.Count == 0)
        {
            return null;
        }

        var routes = new ServiceRoutes(name, [.. ports.Select(port => new PortRoute(port, []))], []);
        var failures = await proxy.ApplyAsync(routes, cancellationToken).ConfigureAwait(false);
        if (failures.Count > 0)
        {
            await proxy.DisposeAsync().ConfigureAwait(false);
            throw new PortTakenException(name, failures[0].Port.ToString(), holder: null, failures[0].Reason);
        }

        return routes;
    }

    private void Publish(ImmutableArray<FrontedName> names)
    {
        var next = NewSignal();
        var previous = _changed;
        _changed = next;
        Volatile.Write(ref _current, new FrontedNamesSnapshot(names, next.Task));
        previous.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
