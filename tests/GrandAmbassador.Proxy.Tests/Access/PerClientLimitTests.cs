using System.Collections.Frozen;
using System.Net;
using System.Net.Sockets;
using GrandAmbassador.Proxy.Access;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;
using static GrandAmbassador.Proxy.Tests.Support.ProxyHarness;

namespace GrandAmbassador.Proxy.Tests.Access;

/// <summary>Per-client limits with real loopback clients: the greedy one is refused past its share, everyone else is served at once.</summary>
[Collection(DescriptorHungryCollection.Name)]
public sealed class PerClientLimitTests(ITestOutputHelper output)
{
    private static readonly IPAddress Greedy = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress Other = IPAddress.Parse("127.0.0.3");

    [Fact]
    public async Task OneClientOpening200_Gets50AtATime_WhileAnotherIsServedAtOnce()
    {
        const int Limit = 50;
        const int Attempts = 200;
        using var metrics = MetricTotals.ForNewService();
        await using var backend = TcpBackend.Echo("a");
        using var factory = Factory(options => options.Access = Policies(metrics.Service, new AccessPolicy([], MaxConnectionsPerClient: Limit)));
        await using var proxy = factory.Create(metrics.Service);
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port, Destination("a", backend.EndPoint))));
        var target = new IPEndPoint(IPAddress.Loopback, port.Port);

        var greedy = new List<Socket>();
        try
        {
            for (var i = 0; i < Attempts; i++)
            {
                greedy.Add(await SourceAddressClient.ConnectAsync(Greedy, target));
            }

            // The other client is served while the greedy one holds its 50 and is refused the rest.
            using (var other = await SourceAddressClient.ConnectAsync(Other, target))
            {
                Assert.True(await other.EchoesAsync());
            }

            var echoed = await Task.WhenAll(greedy.Select(client => client.EchoesAsync()));
            output.WriteLine($"{echoed.Count(served => served)} of {Attempts} served; backend peak {backend.Peak}");
            Assert.Equal(Limit, echoed.Count(served => served));
            Assert.Equal(Attempts - Limit, metrics["connections.refused/per_client_limit"]);
            Assert.Equal(Limit, proxy.Access.OpenOf(Greedy));

            // Once its connections close, the same client gets its 50 again.
            foreach (var client in greedy)
            {
                client.Dispose();
            }

            greedy.Clear();
            await TestTimeouts.EventuallyAsync(() => proxy.Access.OpenOf(Greedy) == 0);
            for (var i = 0; i < Limit; i++)
            {
                greedy.Add(await SourceAddressClient.ConnectAsync(Greedy, target));
            }

            Assert.All(await Task.WhenAll(greedy.Select(client => client.EchoesAsync())), Assert.True);
        }
        finally
        {
            foreach (var client in greedy)
            {
                client.Dispose();
            }
        }
    }

    [Fact]
    public async Task OverItsRate_AClientIsRefused_UntilTheBucketRefills_WhileAnotherIsServed()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        using var metrics = MetricTotals.ForNewService();
        await using var backend = TcpBackend.Echo("a");
        using var factory = Factory(
            options => options.Access = Policies(metrics.Service, new AccessPolicy([], Rate: new ConnectionRate(PerSecond: 5, Burst: 5))),
            clock);
        await using var proxy = factory.Create(metrics.Service);
        var port = new ListenPort(FreePort.Tcp(), TransportProtocol.Tcp);
        await proxy.ApplyAsync(RoutesFor(metrics.Service, Route(port, Destination("a", backend.EndPoint))));
        var target = new IPEndPoint(IPAddress.Loopback, port.Port);

        var clients = new List<Socket>();
        try
        {
            // With the clock stopped, the burst of 5 is all the greedy client gets.
            for (var i = 0; i < 8; i++)
            {
                clients.Add(await SourceAddressClient.ConnectAsync(Greedy, target));
            }

            var served = await Task.WhenAll(clients.Select(client => client.EchoesAsync()));
            Assert.Equal(5, served.Count(ok => ok));
            Assert.Equal(3, metrics["connections.refused/rate_limit"]);
            var other = await SourceAddressClient.ConnectAsync(Other, target);
            clients.Add(other);
            Assert.True(await other.EchoesAsync());

            // A fifth of a second brings one token back: one more, and only one.
            clock.Advance(TimeSpan.FromMilliseconds(200));
            var next = await SourceAddressClient.ConnectAsync(Greedy, target);
            clients.Add(next);
            Assert.True(await next.EchoesAsync());
            var refused = await SourceAddressClient.ConnectAsync(Greedy, target);
            clients.Add(refused);
            await refused.AssertClosedWithoutAByteAsync();
            Assert.Equal(4, metrics["connections.refused/rate_limit"]);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    internal static IReadOnlyDictionary<string, AccessPolicy> Policies(string name, AccessPolicy policy) =>
        new Dictionary<string, AccessPolicy> { [name] = policy }.ToFrozenDictionary();
}
