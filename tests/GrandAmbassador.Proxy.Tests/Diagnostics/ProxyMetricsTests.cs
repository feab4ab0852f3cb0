using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tests.Support;
using static GrandAmbassador.Proxy.Tests.Support.ProxyHarness;

namespace GrandAmbassador.Proxy.Tests.Diagnostics;

public sealed class ProxyMetricsTests
{
    [Fact]
    public async Task Metrics_CountConnectionsBytesAndDatagrams()
    {
        // Other tests run in parallel on the same meter name: only this test's service counts.
        var service = $"metrics-{Guid.NewGuid():N}";
        var totals = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            if (instrument.Meter.Name == "GrandAmbassador.Proxy")
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? serviceTag = null;
            string? direction = null;
            foreach (var tag in tags)
            {
                serviceTag = tag.Key == "service" ? tag.Value as string : serviceTag;
                direction = tag.Key == "direction" ? tag.Value as string : direction;
            }

            if (serviceTag == service)
            {
                totals.AddOrUpdate(direction is null ? instrument.Name : $"{instrument.Name}/{direction}", value, (_, total) => total + value);
            }
        });
        listener.Start();

        await using var tcpBackend = TcpBackend.Echo("a");
        await using var udpBackend = new UdpBackend("a");
        await using var proxy = Create(serviceName: service);
        var tcp = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        var udp = new ListenPort(FreePort.Udp(), TransportProtocol.Udp);
        await proxy.ApplyAsync(RoutesFor(service, Route(tcp, Destination("a", tcpBackend.EndPoint)), Route(udp, Destination("a", udpBackend.EndPoint))));

        using (var client = await SocketTestExtensions.ConnectTcpAsync(tcp.Port))
        {
            await client.SendTextAsync("12345");
            Assert.Equal("12345", await client.ReceiveTextAsync(5));
            client.Shutdown(System.Net.Sockets.SocketShutdown.Send);
            await client.ReceiveCloseAsync();
        }

        using var udpClient = new UdpClientSocket(udp.Port);
        await udpClient.SendAsync("abc");
        Assert.Equal("abc", await udpClient.ReceiveTextAsync());

        // Bytes are added when the connection has closed on the proxy's side too, which no event announces.
        await TestTimeouts.EventuallyAsync(() => totals.GetValueOrDefault("grandambassador.proxy.connections.active") == 0
            && totals.ContainsKey("grandambassador.proxy.bytes/downstream"));
        Assert.Equal(1, totals["grandambassador.proxy.connections.accepted"]);
        Assert.Equal(5, totals["grandambassador.proxy.bytes/upstream"]);
        Assert.Equal(5, totals["grandambassador.proxy.bytes/downstream"]);
        Assert.Equal(1, totals["grandambassador.proxy.udp.datagrams/upstream"]);
        Assert.Equal(1, totals["grandambassador.proxy.udp.datagrams/downstream"]);
        Assert.Equal(1, totals["grandambassador.proxy.udp.sessions.active"]);
    }
}
