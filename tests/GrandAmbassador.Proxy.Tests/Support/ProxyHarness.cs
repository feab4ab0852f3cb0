using System.Collections.Immutable;
using System.Net;
using GrandAmbassador.Proxy.Engine;
using GrandAmbassador.Proxy.Hosting;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tcp;
using GrandAmbassador.Proxy.Udp;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GrandAmbassador.Proxy.Tests.Support;

/// <summary>Builds proxies on loopback and the route snapshots the tests feed them.</summary>
internal static class ProxyHarness
{
    public const string Service = "svc";

    public static ServiceProxy Create(Action<ProxyOptions>? configure = null, TimeProvider? timeProvider = null, string serviceName = Service) =>
        Factory(configure, timeProvider).Create(serviceName);

    /// <summary>A factory of its own: the proxies it builds share limits with each other and with no other test.</summary>
    public static ServiceProxyFactory Factory(Action<ProxyOptions>? configure = null, TimeProvider? timeProvider = null)
    {
        var options = new ProxyOptions { ListenAddress = IPAddress.Loopback, DataPath = TestDataPath.Current };
        configure?.Invoke(options);
        return new ServiceProxyFactory(Options.Create(options), NullLoggerFactory.Instance, timeProvider ?? TimeProvider.System);
    }

    public static Destination Destination(string backendId, params IPEndPoint[] addresses) => new(backendId, [.. addresses]);

    public static PortRoute Route(ListenPort port, params Destination[] destinations) => new(port, [.. destinations]);

    public static ServiceRoutes Routes(params PortRoute[] ports) => Routes([], ports);

    public static ServiceRoutes Routes(IEnumerable<string> retained, params PortRoute[] ports) =>
        new(Service, [.. ports], retained.ToImmutableHashSet());

    public static ServiceRoutes RoutesFor(string serviceName, params PortRoute[] ports) =>
        new(serviceName, [.. ports], []);

    /// <summary>Applies and asserts that every port bound.</summary>
    public static async Task ApplyAsync(this ServiceProxy proxy, ServiceRoutes routes)
    {
        var failures = await proxy.ApplyAsync(routes, CancellationToken.None).WaitAsync(TestTimeouts.Hang);
        Assert.Empty(failures);
    }

    /// <summary>The bound endpoint of <paramref name="port"/>, or <see langword="null"/> if it is not listening.</summary>
    public static IPEndPoint? LocalEndPoint(this ServiceProxy proxy, ListenPort port) => proxy.GetListener(port)?.LocalEndPoint;

    public static TcpPortListener TcpListener(this ServiceProxy proxy, ListenPort port) => Assert.IsType<TcpPortListener>(proxy.GetListener(port));

    public static UdpPortListener UdpListener(this ServiceProxy proxy, ListenPort port) => Assert.IsType<UdpPortListener>(proxy.GetListener(port));

    /// <summary>An address nothing listens on: connects to it are refused.</summary>
    public static IPEndPoint DeadEndPoint() => new(IPAddress.Loopback, FreePort.Tcp());
}
