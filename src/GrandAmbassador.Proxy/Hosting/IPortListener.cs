using System.Net;
using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.Proxy.Hosting;

/// <summary>One bound port of either transport, as <see cref="ServiceProxy"/> manages it.</summary>
internal interface IPortListener : IAsyncDisposable
{
    ListenPort Port { get; }

    /// <summary>The bound address; its port is the real one when 0 was asked for.</summary>
    IPEndPoint LocalEndPoint { get; }

    /// <summary>Routes new traffic by <paramref name="snapshot"/> and closes traffic to backends it no longer retains.</summary>
    void Apply(RouteSnapshot snapshot);
}
