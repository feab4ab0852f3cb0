using System.Net.Sockets;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static GrandAmbassador.Proxy.Tests.Support.ProxyHarness;

namespace GrandAmbassador.Proxy.Tests.Tcp;

public sealed class TimeoutTests
{
    [Fact]
    public async Task IdleConnection_IsClosedWithAFin_AfterTheIdleTimeout_AndNotBefore()
    {
        var time = new FakeTimeProvider();
        using var metrics = MetricTotals.ForNewService();
        await using var backend = TcpBackend.Echo("a");
        await using var proxy = Create(
            options =>
            {
                options.IdleTimeout = TimeSpan.FromSeconds(60);
                options.HalfCloseTimeout = TimeSpan.Zero;
            },
            time,
            metrics.Service);
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port, Destination("a", backend.EndPoint))));
        using var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        await client.SendTextAsync("x");
        Assert.Equal("x", await client.ReceiveTextAsync(1));

        // Sweeps every 15 s (a quarter of the timeout) run on the advancing thread. The first one after the last
        // byte starts the idle clock; traffic before the timeout restarts it.
        Sweep(time, times: 3);
        await client.SendTextAsync("y");
        Assert.Equal("y", await client.ReceiveTextAsync(1));
        Assert.InRange(await IdleSweeps.CountUntilAsync(time, () => metrics["connections.timed_out/idle"] == 1), 5, 6);
        Assert.Equal(PeerClose.Fin, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task HalfClosedConnection_IsClosed_AfterTheHalfCloseTimeout_WhileAnOpenIdleOneStays()
    {
        var time = new FakeTimeProvider();
        using var metrics = MetricTotals.ForNewService();
        await using var backend = TcpBackend.Manual("a");
        await using var proxy = Create(options => options.HalfCloseTimeout = TimeSpan.FromSeconds(60), time, metrics.Service);
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port, Destination("a", backend.EndPoint))));
        using var halfClosed = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        using var halfClosedServer = await backend.AcceptAsync();
        using var open = await SocketTestExtensions.ConnectTcpAsync(port.Port);
        using var openServer = await backend.AcceptAsync();

        // The client is done sending; the server keeps its half open and says nothing.
        halfClosed.Shutdown(SocketShutdown.Send);
        Assert.Equal(PeerClose.Fin, await halfClosedServer.ReceiveCloseAsync());
        Assert.InRange(await IdleSweeps.CountUntilAsync(time, () => metrics["connections.timed_out/half_close"] == 1), 5, 6);
        Assert.Equal(PeerClose.Fin, await halfClosed.ReceiveCloseAsync());

        // Idle but not half-closed, and the idle timeout is off (the default): it still relays.
        Sweep(time, times: 500);
        Assert.Equal(0, metrics["connections.timed_out/idle"]);
        await open.SendTextAsync("still");
        Assert.Equal("still", await openServer.ReceiveTextAsync(5));
    }

    /// <summary>
    /// Moves the clock on by one sweep period (15 s) at a time: a fake clock runs every due timer at the final
    /// time of one advance, so a longer step would show each sweep the same instant.
    /// </summary>
    private static void Sweep(FakeTimeProvider time, int times)
    {
        for (var i = 0; i < times; i++)
        {
            time.Advance(TimeSpan.FromSeconds(15));
        }
    }
}
