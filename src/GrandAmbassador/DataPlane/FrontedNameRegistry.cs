using System.Collections.Immutable;
using GrandAmbassador.Ambassador;
using GrandAmbassador.Configuration;
using GrandAmbassador.Proxy.Hosting;
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
    /// Fronts one more name: checks it as the command line does, binds its explicit ports at once.
    /// </summary>
    /// <exception cref="InvalidSettingException">The name is invalid or already fronted, a port is another
    /// name's, or an explicit port cannot be bound; nothing was added.</exception>
    public async Task<FrontedName> AddAsync(FrontedService service, CancellationToken cancellationToken)
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

            PortClaims.Check(names.SelectMany(entry => entry.Service.Ports).Concat(service.Ports));
            var proxy = createProxy(name);
            var bound = await BindExplicitPortsAsync(service with { Name = name }, proxy, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Binds the explicit <c>--port</c>s now, so that a port already taken is an error at once.</summary>
    /// <returns>The routes applied (listeners, no destination yet), or null when there are no explicit ports.</returns>
    private static async Task<ServiceRoutes?> BindExplicitPortsAsync(FrontedService service, ServiceProxy proxy, CancellationToken cancellationToken)
    {
        if (!service.HasExplicitPorts)
        {
            return null;
        }

        var routes = new ServiceRoutes(
            service.Name,
            [.. service.Ports.Select(mapping => new PortRoute(mapping.Listen, []))],
            []);
        var failures = await proxy.ApplyAsync(routes, cancellationToken).ConfigureAwait(false);
        if (failures.Count > 0)
        {
            await proxy.DisposeAsync().ConfigureAwait(false);
            throw new InvalidSettingException($"cannot listen on {failures[0].Port} for {service.Name}: {failures[0].Reason}");
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
