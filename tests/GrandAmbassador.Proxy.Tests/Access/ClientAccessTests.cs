using System.Net;
using GrandAmbassador.Proxy.Access;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace GrandAmbassador.Proxy.Tests.Access;

/// <summary>The per-client table on its own: what it remembers, what it forgets, and its bound.</summary>
public sealed class ClientAccessTests
{
    [Fact]
    public void AnOpenPolicy_TracksNobody()
    {
        using var access = new ClientAccess("n", AccessPolicy.Open, NullLogger.Instance, new FakeTimeProvider());
        Assert.True(access.IsOpen);
        Assert.Equal(AccessRefusal.None, access.TryAdmit(IPAddress.Loopback, out var entry));
        Assert.Null(entry);
        Assert.Equal(0, access.TrackedClients);
    }

    [Fact]
    public void AnIPv4MappedClient_MatchesIPv4Networks_AsOneClient()
    {
        var policy = new AccessPolicy([IPNetwork.Parse("10.0.0.0/8")], MaxConnectionsPerClient: 1);
        using var access = new ClientAccess("n", policy, NullLogger.Instance, new FakeTimeProvider());
        var mapped = ClientAddress.Normalize(IPAddress.Parse("::ffff:10.1.2.3"));
        Assert.Equal(AccessRefusal.None, access.TryAdmit(mapped, out _));
        Assert.Equal(AccessRefusal.TooManyConnections, access.TryAdmit(IPAddress.Parse("10.1.2.3"), out _));
        Assert.Equal(AccessRefusal.NotAllowed, access.TryAdmit(ClientAddress.Normalize(IPAddress.Parse("::ffff:192.168.0.1")), out _));
    }

    [Fact]
    public void IdleClients_AreForgotten_ButNotOnesWithConnectionsOrARefillingBucket()
    {
        var clock = new FakeTimeProvider();
        var policy = new AccessPolicy([], MaxConnectionsPerClient: 10, Rate: new ConnectionRate(PerSecond: 1, Burst: 2));
        using var access = new ClientAccess("n", policy, NullLogger.Instance, clock);
        var busy = IPAddress.Parse("10.0.0.1");
        var done = IPAddress.Parse("10.0.0.2");
        Assert.Equal(AccessRefusal.None, access.TryAdmit(busy, out _));
        Assert.Equal(AccessRefusal.None, access.TryAdmit(done, out var doneEntry));
        doneEntry!.Release();

        access.Sweep();
        Assert.Equal(2, access.TrackedClients); // done's bucket is still one token short

        clock.Advance(TimeSpan.FromSeconds(1));
        access.Sweep();
        Assert.Equal(1, access.TrackedClients);
        Assert.Equal(1, access.OpenOf(busy));

        // A forgotten client comes back with a full bucket, as it would have had.
        Assert.Equal(AccessRefusal.None, access.TryAdmit(done, out _));
        Assert.Equal(AccessRefusal.None, access.TryAdmit(done, out _));
        Assert.Equal(AccessRefusal.RateLimited, access.TryAdmit(done, out _));
    }

    [Fact]
    public void TheTable_IsBounded_AndMakesRoomFromIdleClients()
    {
        var clock = new FakeTimeProvider();
        using var access = new ClientAccess("n", new AccessPolicy([], MaxConnectionsPerClient: 1), NullLogger.Instance, clock);
        var entries = new List<ClientEntry>();
        for (var i = 0; i < ClientAccess.MaxClients; i++)
        {
            Assert.Equal(AccessRefusal.None, access.TryAdmit(new IPAddress(0x0A000000u + (uint)i), out var entry));
            entries.Add(entry!);
        }

        var newcomer = IPAddress.Parse("192.168.1.1");
        Assert.Equal(AccessRefusal.TooManyClients, access.TryAdmit(newcomer, out _));
        entries[0].Release();
        Assert.Equal(AccessRefusal.None, access.TryAdmit(newcomer, out _));
        Assert.Equal(ClientAccess.MaxClients, access.TrackedClients);
    }

    [Theory]
    [InlineData("10/s", 10.0, 10)]
    [InlineData("10/s:40", 10.0, 40)]
    [InlineData("30/m", 0.5, 1)]
    [InlineData("0.5/s:3", 0.5, 3)]
    public void Rates_Parse(string text, double perSecond, int burst)
    {
        Assert.True(ConnectionRate.TryParse(text, out var rate));
        Assert.Equal(new ConnectionRate(perSecond, burst), rate);
    }

    [Theory]
    [InlineData("10")]
    [InlineData("-1/s")]
    [InlineData("0/s")]
    [InlineData("10/h")]
    [InlineData("10/s:0")]
    [InlineData("10/s:x")]
    [InlineData("NaN/s")]
    public void BadRates_DoNotParse(string text) => Assert.False(ConnectionRate.TryParse(text, out _));
}
