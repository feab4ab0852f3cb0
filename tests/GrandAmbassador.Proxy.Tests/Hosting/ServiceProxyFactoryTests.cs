using System.Net;
using GrandAmbassador.Proxy.Engine;
using GrandAmbassador.Proxy.Hosting;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static GrandAmbassador.Proxy.Tests.Support.ProxyHarness;

namespace GrandAmbassador.Proxy.Tests.Hosting;

public sealed class ServiceProxyFactoryTests
{
    [Fact]
    public async Task AddGrandAmbassadorProxy_RegistersOneFactory_WhoseProxiesShareTheLimits()
    {
        await using var backend = TcpBackend.Greeting("a");
        var services = new ServiceCollection()
            .AddLogging()
            .AddGrandAmbassadorProxy()
            .Configure<ProxyOptions>(options =>
            {
                options.ListenAddress = IPAddress.Loopback;
                options.MaxConnections = 3;
            });
        await using var provider = services.BuildServiceProvider();

        var factory = provider.GetRequiredService<ServiceProxyFactory>();
        Assert.Same(factory, provider.GetRequiredService<ServiceProxyFactory>());
        Assert.Equal(3, factory.Limits.Connections.Max);
        await using var proxy = factory.Create("svc");
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(Routes(Route(port, Destination("a", backend.EndPoint))));
        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        Assert.Equal("a", await client.ReceiveLineAsync());
        Assert.Equal(1, factory.Limits.Connections.InUse);
    }

    [Fact]
    public void Factory_RejectsSettingsThatWouldBreakTheRelay()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Factory(options => options.MaxConnections = -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Factory(options => options.IdleTimeout = TimeSpan.FromSeconds(-1)));
    }
}
