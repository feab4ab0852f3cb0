using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tests.Support;
using static GrandAmbassador.Proxy.Tests.Support.ProxyHarness;

namespace GrandAmbassador.Proxy.Tests.Tcp;

public sealed class HeldConnectionTests
{
    [Fact]
    public async Task HeldConnection_GoesThrough_WhenDestinationAppears()
    {
        using var metrics = MetricTotals.ForNewService();
        await using var backend = TcpBackend.Echo("a");
        await using var proxy = Create(serviceName: metrics.Service);
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port)));

        // Accepted although there is nowhere to go: the listener stays open with zero destinations.
        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        await client.SendTextAsync("early");
        await metrics.WaitForAsync("held", 1);

        await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port, Destination("a", backend.EndPoint))));
        Assert.Equal("early", await client.ReceiveTextAsync(5));
    }

    [Fact]
    public async Task HeldConnection_IsClosedWithAFin_AfterConnectWait_AlsoWhenTheClientHadSentSomething()
    {
        using var metrics = MetricTotals.ForNewService();
        await using var proxy = Create(options => options.ConnectWait = TimeSpan.FromMilliseconds(500), serviceName: metrics.Service);
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port)));

        using var quiet = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        using var talker = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        await talker.SendTextAsync("PING");
        Assert.Equal(PeerClose.Fin, await quiet.ReceiveCloseAsync());
        Assert.Equal(PeerClose.Fin, await talker.ReceiveCloseAsync());

        // The port itself keeps listening.
        using var next = await SocketTestExtensions.ConnectTcpAsync(port.Port);
    }

    [Fact]
    public async Task HeldConnection_KeepsWaiting_WhenEveryConnectFails_UntilANewSnapshot()
    {
        using var metrics = MetricTotals.ForNewService();
        await using var backend = TcpBackend.Echo("b");
        await using var proxy = Create(options => options.ConnectRetryInterval = TimeSpan.FromMinutes(5), serviceName: metrics.Service);
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port, Destination("dead", DeadEndPoint()))));

        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        await client.SendTextAsync("patient");

        // Refused once, and now waiting: only a new snapshot can release it before the retry interval.
        await metrics.WaitForAsync("held", 1);
        Assert.Equal(1, metrics["connect.failures"]);

        await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port, Destination("b", backend.EndPoint))));
        Assert.Equal("patient", await client.ReceiveTextAsync(7));
    }

    [Fact]
    public async Task HeldConnection_AcrossManySnapshots_LeavesNoWaitTimerBehind()
    {
        using var metrics = MetricTotals.ForNewService();
        var clock = new LiveTimerClock();
        var retry = TimeSpan.FromMinutes(5);
        await using var backend = TcpBackend.Echo("c");
        await using var proxy = Create(
            options =>
            {
                options.ConnectWait = TimeSpan.FromMinutes(10);
                options.ConnectRetryInterval = retry;
            },
            clock,
            metrics.Service);
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port, Destination("dead-0", DeadEndPoint()))));

        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        await client.SendTextAsync("patient");
        await metrics.WaitForAsync("held", 1);

        // Each snapshot wakes the held flow, which tries the new destination and waits again.
        for (var i = 1; i <= 20; i++)
        {
            await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port, Destination($"dead-{i}", DeadEndPoint()))));
            await metrics.WaitForAsync("connect.failures", i + 1);
        }

        await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port, Destination("c", backend.EndPoint))));
        Assert.Equal("patient", await client.ReceiveTextAsync(7));

        // The clock never moved, so a wait that was not cancelled would still be live (21 of them).
        Assert.Equal(0, clock.LiveTimers(retry));
    }

    [Fact]
    public async Task HeldConnection_ClosedWithItsPort_LeavesNoWaitTimerBehind()
    {
        using var metrics = MetricTotals.ForNewService();
        var clock = new LiveTimerClock();
        var wait = TimeSpan.FromMinutes(10);
        await using var proxy = Create(options => options.ConnectWait = wait, clock, metrics.Service);
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port)));

        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        await metrics.WaitForAsync("held", 1);
        Assert.Equal(1, clock.LiveTimers(wait));

        // The port goes (its name no longer has it): the held connection is closed, and its wait with it. The
        // apply returns once the port's connections have ended.
        await proxy.ApplyAsync(RoutesFor(metrics.Service));
        Assert.Equal(PeerClose.Reset, await client.ReceiveCloseAsync());

        // The clock never moved, so a wait that outlived its connection would still be live.
        Assert.Equal(0, clock.LiveTimers(wait));
    }
}
