using System.Collections.Immutable;
using System.Net;
using GrandAmbassador.Ambassador;
using GrandAmbassador.Configuration;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.DataPlane;
using GrandAmbassador.Proxy.Engine;
using Microsoft.Extensions.Time.Testing;

namespace GrandAmbassador.Host.Tests.Status;

/// <summary>
/// How each destination is reached, in the words <c>status</c>, <c>/api/names</c> and the page share
/// (<see cref="PortReach"/>), read off a plan <see cref="RouteBuilder"/> made and the relays' last failures.
/// </summary>
public sealed class DestinationReachTests
{
    private static readonly DateTimeOffset FailedAt = new(2026, 12, 7, 14, 2, 11, TimeSpan.Zero);
    private static readonly FrontedService Redis = new("redis", []);
    private static readonly RouteContext OnHostC = new("host-c", LocalNetworks.Of((IPAddress.Parse("172.17.0.1"), 16)));
    private static readonly IPEndPoint RelayOfB = new(IPAddress.Parse("10.231.0.12"), 11112);

    [Fact]
    public void EachWayOfReachingAPort_HasOneWording()
    {
        Assert.Equal("local 172.17.0.2:6379", new PortReach("a", "c1", "6379/tcp", ReachKind.Local, "172.17.0.2:6379").ToString());
        Assert.Equal("published 10.231.0.11:16379", new PortReach("a", "c1", "6379/tcp", ReachKind.Published, "10.231.0.11:16379").ToString());
        Assert.Equal("relay through host a (10.231.0.11:11112)", new PortReach("a", "c1", "6379/tcp", ReachKind.Relay, "10.231.0.11:11112").ToString());
        Assert.Equal(
            "relay through host a ([fd00::11]:11112), unreachable since 2026-12-07 14:02:11Z: connection refused",
            new PortReach("a", "c1", "6379/tcp", ReachKind.Relay, "[fd00::11]:11112", "connection refused", FailedAt).ToString());
        Assert.Equal(
            "unreachable: it is on host a and publishes no host port for 6379/tcp (run it with -p, or use --cross-host auto)",
            new PortReach("a", "c1", "6379/tcp", ReachKind.None, null, "it is on host a and publishes no host port for 6379/tcp (run it with -p, or use --cross-host auto)").ToString());
    }

    [Fact]
    public void AnAppliedPlan_SaysForEachContainerHowItsPortIsReached_FromThisHost()
    {
        var plan = RouteBuilder.Build(Redis, Snapshot(Local, Published, Relayed, NoRelay), OnHostC, previous: null);

        var reached = AppliedReach.Of(plan, "host-c", new RelayHealth(new FakeTimeProvider(FailedAt)));

        Assert.Equal(
            [
                "host-a/published 6379/tcp: published 10.231.0.11:16379",
                "host-b/relayed 6379/tcp: relay through host host-b (10.231.0.12:11112)",
                "host-c/local 6379/tcp: local 172.17.0.5:6379",
                "host-d/no-relay 6379/tcp: unreachable: it is on host host-d, publishes no host port for 6379/tcp, and that host runs no relay " +
                    "(run it with -p, or give that host cluster TLS or --relay-insecure)",
            ],
            reached.Select(reach => $"{reach.HostId}/{reach.ContainerId} {reach.Port}: {reach}"));
        Assert.Equal([false, false, false, true], reached.Select(reach => reach.Unreachable));
    }

    [Fact]
    public void ARelayThatFailed_IsUnreachableWithTheReasonAndSinceWhen_UntilItIsReachedAgain()
    {
        var clock = new FakeTimeProvider(FailedAt);
        var relays = new RelayHealth(clock);
        var plan = RouteBuilder.Build(Redis, Snapshot(Relayed), OnHostC, previous: null);

        relays.Failed(RelayOfB, "connection refused");
        clock.Advance(TimeSpan.FromSeconds(30));
        relays.Failed(RelayOfB, "the relay of host host-b refused: host host-b reports no container relayed");
        var failing = Assert.Single(AppliedReach.Of(plan, "host-c", relays));

        // Since the first failure of the run; the reason of the last.
        Assert.Equal(
            "relay through host host-b (10.231.0.12:11112), unreachable since 2026-12-07 14:02:11Z: the relay of host host-b refused: host host-b reports no container relayed",
            failing.ToString());
        Assert.True(failing.Unreachable);
        Assert.Equal(FailedAt + TimeSpan.FromSeconds(30), relays.Failure(RelayOfB)?.At);

        relays.Reached(RelayOfB);
        Assert.Equal("relay through host host-b (10.231.0.12:11112)", Assert.Single(AppliedReach.Of(plan, "host-c", relays)).ToString());
    }

    [Fact]
    public void ARelayStartingToFail_AndReachedAgain_IsSignalled_ButNotEachRepeatedFailure()
    {
        var relays = new RelayHealth(new FakeTimeProvider(FailedAt));

        var first = relays.Changed;
        relays.Failed(RelayOfB, "connection refused");
        Assert.True(first.IsCompleted);

        var repeated = relays.Changed;
        relays.Failed(RelayOfB, "connection refused");
        Assert.False(repeated.IsCompleted);

        relays.Reached(RelayOfB);
        Assert.True(repeated.IsCompleted);
        Assert.Null(relays.Failure(RelayOfB));
    }

    internal static EndpointSet Snapshot(params ContainerEndpoint[] endpoints) => new("redis", 1, [.. endpoints]);

    /// <summary>On host c, the ambassador's own host.</summary>
    internal static ContainerEndpoint Local => Endpoint("host-c", "local", "10.231.0.13", [Tcp(6379)]) with { Addresses = [new NetworkAddress("bridge", "172.17.0.5", 16, "172.17.0.1")] };

    /// <summary>On host a, with 6379 published on 16379; no relay.</summary>
    internal static ContainerEndpoint Published => Endpoint("host-a", "published", "10.231.0.11", [Tcp(6379, new PublishedPort("0.0.0.0", 16379))]);

    /// <summary>On host b, not published; b runs a relay.</summary>
    internal static ContainerEndpoint Relayed => Endpoint("host-b", "relayed", "10.231.0.12", [Tcp(6379)]) with { RelayPort = 11112 };

    /// <summary>On host d, not published, and d runs no relay.</summary>
    internal static ContainerEndpoint NoRelay => Endpoint("host-d", "no-relay", "10.231.0.14", [Tcp(6379)]);

    private static ExposedPort Tcp(int port, params PublishedPort[] published) => new(port, PortProtocol.Tcp, [.. published]);

    private static ContainerEndpoint Endpoint(string hostId, string id, string advertise, ImmutableArray<ExposedPort> ports) =>
        new(hostId, id, id, ["redis"], [new NetworkAddress("bridge", "172.17.0.2", 16, "172.17.0.1")], ports,
            ContainerHealth.None, Running: true, DateTimeOffset.UnixEpoch, AdvertiseAddress: advertise, HostNetwork: false);
}
