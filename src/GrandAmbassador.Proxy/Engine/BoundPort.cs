using System.Net;
using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.Proxy.Engine;

/// <summary>A port a proxy listens on, and the address its socket is bound to (a port of 0 resolved).</summary>
internal sealed record BoundPort(ListenPort Port, IPEndPoint LocalEndPoint);
