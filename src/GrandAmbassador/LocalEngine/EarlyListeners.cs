using System.Collections.Concurrent;
using System.Net.Sockets;
using GrandAmbassador.Configuration;
using GrandAmbassador.Proxy.Engine;
using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.LocalEngine;

/// <summary>
/// The very first thing a starting ambassador does for a name fronted without <c>--port</c>: asks the
/// local engine which ports its running container exposes and binds them (<see cref="PreboundSockets"/>),
/// so that a client started right after the ambassador (the original's examples, pasted line by line)
/// is held in the backlog, not refused, while the process finishes starting. The proxy's listeners take
/// the sockets over once the local engine's seed has routed the name. In the image, the entry point
/// <c>ga-prebind</c> has bound them already, before the runtime started (<see cref="InheritedListenSockets"/>):
/// a port it bound is taken from it, but only if this peek would have bound it too.
/// </summary>
internal static class EarlyListeners
{
    /// <summary>Long enough for an engine that answers; a hung one leaves the names to the seed.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);

    /// <summary>Binds what it can within <see cref="Bound"/>, then seals <see cref="ProxyOptions.Prebound"/>; never throws.</summary>
    public static async Task BindAsync(AmbassadorSettings settings, ProxyOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(options);
        var names = settings.Services.Where(service => !service.HasExplicitPorts).Select(service => service.Name).ToList();
        var inherited = InheritedListenSockets.Take(options.ListenAddress);
        try
        {
            if (settings.NoAgent || names.Count == 0 || ExposedPortsPeek.ClientFor(settings.DockerEndpoint) is not { } engine)
            {
                return;
            }

            using (engine)
            using (var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                bounded.CancelAfter(Bound);
                await Task.WhenAll(names.Select(name => BindNameAsync(engine, name, settings.MaxExposedPorts, options, inherited, bounded.Token))).ConfigureAwait(false);
            }
        }
        catch (Exception)
        {
            // Engine absent, slow or refusing: nothing is lost, the seed and the agent say why soon after.
        }
        finally
        {
            // Bound for a port this process would not bind (not exposed now, past the cap): not ours to serve.
            foreach (var socket in inherited.Values)
            {
                socket.Dispose();
            }

            // After this, a listener that finds no socket binds its own: the two never race for a port.
            options.Prebound.Seal();
        }
    }

    private static async Task BindNameAsync(
        HttpClient engine, string name, int maxPorts, ProxyOptions options, ConcurrentDictionary<ListenPort, Socket> inherited, CancellationToken cancellationToken)
    {
        var exposed = await ExposedPortsPeek.ReadAsync(engine, name, cancellationToken).ConfigureAwait(false);
        // The ports the route will listen on: TCP first, then UDP, each lowest first, up to the cap (RouteBuilder's order).
        foreach (var (port, protocol) in exposed.OrderBy(port => port.Protocol).ThenBy(port => port.Port).Take(maxPorts))
        {
            var listenPort = new ListenPort(port, protocol.ToTransport());
            if (inherited.TryRemove(listenPort, out var socket) && !options.Prebound.TryAdopt(listenPort, socket))
            {
                socket.Dispose();
            }

            options.Prebound.TryBind(options, listenPort);
        }
    }
}
