using System.Collections.Immutable;
using System.Net;
using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.Proxy.Engine;

/// <summary>
/// What one name's proxy serves at one moment, published whole by <see cref="ServiceProxy"/> after every
/// apply, drain and close (as YARP's configuration providers publish snapshots with a change token):
/// the routes it applied, the ports that listen and the ones that could not be bound. Readers take
/// <see cref="ServiceProxy.State"/> and await <see cref="Changed"/> instead of polling the listeners.
/// </summary>
/// <param name="Version">Counts the states this proxy published, from 0 (nothing applied yet).</param>
/// <param name="Routes">The routes last applied (none before the first apply, and once closed).</param>
/// <param name="Listening">The ports bound now, with the address each one listens on, in port order.</param>
/// <param name="Failures">The ports of <paramref name="Routes"/> the last apply could not bind, with the reason.</param>
/// <param name="Closed">Drained or disposed: nothing listens any more, and no later state comes.</param>
/// <param name="Changed">Completes when the next state is published.</param>
internal sealed record ProxyState(
    long Version,
    ImmutableArray<PortRoute> Routes,
    ImmutableArray<BoundPort> Listening,
    ImmutableArray<ListenFailure> Failures,
    bool Closed,
    Task Changed)
{
    /// <summary>Whether the routes have ports and every one of them is bound.</summary>
    public bool ListensOnEveryRoutedPort =>
        !Routes.IsDefaultOrEmpty && Routes.All(route => Listening.Any(bound => bound.Port == route.Listen));

    /// <summary>The address <paramref name="port"/> is bound to, or null while it does not listen.</summary>
    public IPEndPoint? LocalEndPoint(ListenPort port) =>
        Listening.FirstOrDefault(bound => bound.Port == port)?.LocalEndPoint;
}
