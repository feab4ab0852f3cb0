namespace GrandAmbassador.Proxy.Engine;

/// <summary>
/// How a <see cref="ServiceProxy"/> opens a port of one transport. Tcp/ and Udp/ build on the engine, so the engine
/// does not name their listeners: <see cref="Hosting.ServiceProxyFactory"/> hands one of these per transport to
/// every proxy it builds.
/// </summary>
/// <param name="Category">The type whose name the listener logs under.</param>
/// <param name="Start">Binds the port and starts serving it; a <see cref="System.Net.Sockets.SocketException"/> means the port cannot be had.</param>
internal sealed record PortListenerStart(Type Category, Func<PortContext, PortListener> Start);
