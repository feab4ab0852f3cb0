using System.Diagnostics;
using System.Net.Sockets;
using GrandAmbassador.Proxy.Limits;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tests.Support;
using Xunit.Abstractions;
using static GrandAmbassador.Proxy.Tests.Support.ProxyHarness;

namespace GrandAmbassador.Proxy.Tests.Limits;

[Collection(DescriptorHungryCollection.Name)]
public sealed class ManyConnectionsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task UpToTenThousandIdleConnections_ThroughOnePort_AreAllServed()
    {
        // Each relayed connection costs this process four descriptors (client, accepted, dialed, backend's end).
        // Ten thousand need 40,000: as many as the hard open-file limit allows, up to that.
        var limit = ProcessLimits.RaiseOpenFilesToHardLimit() ?? 4096;
        var count = (int)Math.Min(10_000, ((long)limit - 2_000) / 4);
        output.WriteLine($"open-file limit {limit}: {count} connections");
        await using var backend = TcpBackend.Echo("a");
        await using var proxy = Create(options => options.ListenBacklog = 4096);
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(Routes(Route(port, Destination("a", backend.EndPoint))));
        var before = Process.GetCurrentProcess().WorkingSet64;

        var clients = new List<Socket>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var client = await SocketTestExtensions.ConnectTcpAsync(port.Port);
                clients.Add(client);
                await client.SendTextAsync("x");
            }

            await Task.WhenAll(clients.Select(client => client.ReceiveExactlyAsync(1))).WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(count, proxy.TcpListener(port).ConnectionCount);
            Assert.Equal(count, backend.Open);
            var process = Process.GetCurrentProcess();
            output.WriteLine($"{count} idle connections open; test process RSS {process.WorkingSet64 / 1_048_576} MiB ({(process.WorkingSet64 - before) / 1024 / count} KiB per connection, clients and backend included)");

            // Still idle and still relaying: the last one answers again.
            await clients[^1].SendTextAsync("y");
            Assert.Equal("y", await clients[^1].ReceiveTextAsync(1));
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }
}
